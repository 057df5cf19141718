"""One request/response exchange on a connection: the ASGI `receive` and `send` callables."""

from __future__ import annotations

import asyncio
from collections.abc import MutableMapping
from typing import TYPE_CHECKING, Any

from awsrec.errors import AwsrecError
from replayer.server.http.limits import CONTINUE, SERVER_ERROR, status_line

if TYPE_CHECKING:
    from replayer.server.http.connection import Connection

Message = MutableMapping[str, Any]
Scope = MutableMapping[str, Any]


class AsgiProtocolError(AwsrecError):
    """The app broke the ASGI HTTP protocol (message order, framing, header bytes)."""


class Exchange:
    """A request as the app reads it and the response as the app writes it."""

    __slots__ = (
        "_chunked",
        "_no_body",
        "_remaining",
        "_waiter",
        "buffered",
        "chunks",
        "complete",
        "conn",
        "discard",
        "end_delivered",
        "expect_100",
        "http10",
        "keep_alive",
        "lost",
        "more_body",
        "scope",
        "started",
    )

    def __init__(self, conn: Connection, scope: Scope, keep_alive: bool, expect_100: bool) -> None:
        self.conn = conn
        self.scope = scope
        self.keep_alive = keep_alive
        self.http10 = scope["http_version"] == "1.0"
        self.expect_100 = expect_100  # a 100 Continue is owed before the body comes
        self.more_body = True  # the parser has not seen the end of the request body yet
        self.chunks: list[bytes] = []
        self.buffered = 0
        self.end_delivered = False
        self.discard = False  # the response is done: request body bytes still coming are dropped
        self.started = False
        self.complete = False
        self.lost = False
        self._waiter: asyncio.Future[None] | None = None
        self._no_body = False
        self._chunked = False
        self._remaining: int | None = None

    # --- the parser's side ------------------------------------------------------------------

    def feed(self, data: bytes) -> None:
        """Request body bytes from the parser."""
        if self.discard:
            return
        self.chunks.append(data)
        self.buffered += len(data)
        self._wake()

    def end(self) -> None:
        """The parser saw the end of the request body."""
        self.more_body = False
        self._wake()

    def lose(self) -> None:
        """The connection is gone: receive() says http.disconnect, send() drops everything."""
        self.lost = True
        self._wake()

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    @property
    def starved(self) -> bool:
        """Whether the app is waiting for request body bytes the client has not sent."""
        return self._waiter is not None and self.more_body

    # --- ASGI ---------------------------------------------------------------------------------

    async def receive(self) -> Message:
        """The next piece of the request body; http.disconnect once the exchange is over."""
        if self.expect_100:
            # The client holds the body back until told to go on (RFC 9110, 10.1.1); asking
            # for the body is that signal.
            self.expect_100 = False
            if self.more_body and not self.started and not self.lost:
                self.conn.write_now(CONTINUE)
        while not (self.lost or self.complete):
            if self.chunks or (not self.more_body and not self.end_delivered):
                return self._take()
            self._waiter = self.conn.loop.create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        return {"type": "http.disconnect"}

    def _take(self) -> Message:
        chunks = self.chunks
        body = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        chunks.clear()
        self.buffered = 0
        if not self.more_body:
            self.end_delivered = True
        if self.conn.reading_paused:
            self.conn.update_reading()
        return {"type": "http.request", "body": body, "more_body": self.more_body}

    async def send(self, message: Message) -> None:
        """Write the response: its head once, then its body, with flow control."""
        conn = self.conn
        if conn.write_paused and not self.lost:
            await conn.drain()
        if self.lost:
            return  # the client is gone; the app finishes quietly
        kind = message["type"]
        if not self.started:
            if kind != "http.response.start":
                raise AsgiProtocolError(f"expected http.response.start, got {kind!r}")
            conn.hold(self._head(message["status"], message.get("headers", ())))
            self.started = True
            return
        if self.complete or kind != "http.response.body":
            raise AsgiProtocolError(f"unexpected ASGI message {kind!r} for this response")
        more = message.get("more_body", False)
        self._write_body(message.get("body", b""), more)
        if not more:
            if self._remaining:
                raise AsgiProtocolError("response body shorter than its Content-Length")
            self.complete = True
            self._wake()
            conn.response_complete(self)

    def fail(self) -> None:
        """The app failed before starting a response: a 500, and the connection closes."""
        self.started = self.complete = True
        self.keep_alive = False
        self.conn.hold(None)
        self.conn.write_now(SERVER_ERROR)
        self._wake()
        self.conn.response_complete(self)

    # --- framing ------------------------------------------------------------------------------

    def _head(self, status: int, headers: Any) -> bytes:
        # 1xx, 204 and 304 carry no content, so no Content-Length either (RFC 9110, 8.6 and
        # 15.4.5: a 304 may only repeat the 200's length, which the server cannot know).
        bare = status < 200 or status == 204 or status == 304
        self._no_body = bare or self.scope["method"] == "HEAD"
        lines = [status_line(status)]
        length: int | None = None
        said_close = False
        for name, value in headers:
            name = name.lower()
            if name == b"content-length":
                if bare:
                    continue
                length = _length(value)
            elif name == b"transfer-encoding":
                continue  # framing is the server's business
            elif name == b"connection" and b"close" in value.lower():
                self.keep_alive = False
                said_close = True
            lines.append(b"%s: %s\r\n" % (name, value))
        if self.expect_100 and self.more_body:
            # Answered without asking for the body: the client may never send it, so the
            # connection cannot be reused (RFC 9110, 10.1.1).
            self.keep_alive = False
        self._frame(length, lines, said_close)
        lines.append(b"\r\n")
        head = b"".join(lines)
        # One CRLF per line and no other CR or LF: a header value cannot smuggle in a line.
        if head.count(b"\n") != len(lines) or head.count(b"\r") != len(lines):
            raise AsgiProtocolError("a response header name or value holds CR or LF")
        self.expect_100 = False
        return head

    def _frame(self, length: int | None, lines: list[bytes], said_close: bool) -> None:
        if not self._no_body:
            if length is not None:
                self._remaining = length
            elif not self.http10:
                self._chunked = True
                lines.append(b"transfer-encoding: chunked\r\n")
            else:
                self.keep_alive = False  # HTTP/1.0 without a length: the close ends the body
        if not self.keep_alive:
            if not said_close:
                lines.append(b"connection: close\r\n")
        elif self.http10:
            lines.append(b"connection: keep-alive\r\n")

    def _write_body(self, body: bytes, more: bool) -> None:
        if self._no_body:
            self.conn.write([])
        elif self._chunked:
            parts = [b"%x\r\n" % len(body), body, b"\r\n"] if body else []
            if not more:
                parts.append(b"0\r\n\r\n")
            self.conn.write(parts)
        else:
            remaining = self._remaining
            if remaining is not None:
                if len(body) > remaining:
                    raise AsgiProtocolError("response body longer than its Content-Length")
                self._remaining = remaining - len(body)
            self.conn.write([body] if body else [])


def _length(value: bytes) -> int:
    try:
        length = int(value)
    except ValueError as e:
        raise AsgiProtocolError(f"bad Content-Length {value!r}") from e
    if length < 0:
        raise AsgiProtocolError(f"negative Content-Length {length}")
    return length
