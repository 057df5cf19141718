"""One HTTP/1.1 connection: httptools parsing, the request queue, flow control, the app worker."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any, cast

import httptools

from replayer.server.http.context import CURRENT
from replayer.server.http.exchange import Exchange, Message, Scope
from replayer.server.http.limits import (
    BAD_REQUEST,
    BODY_HIGH_WATER,
    HEAD_TOO_LARGE,
    JOIN_BELOW,
    LINGER_S,
    MAX_HEAD_BYTES,
)
from replayer.server.http.target import split_target

log = logging.getLogger("awsrec.http")

App = Callable[[Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Any]
_ASGI = {"version": "3.0", "spec_version": "2.3"}


class _HeadTooLargeError(Exception):
    """Raised inside a parser callback to stop parsing an oversized head."""


class Connection(asyncio.Protocol):
    """Parses requests as bytes arrive and runs the app on them one at a time, in order.

    Requests pipelined behind the one being served wait (reading pauses), so responses go out
    in request order. Also the connection's handle for connection-level faults: `close`,
    `abort`, `get_extra_info`, `is_closing`, like an asyncio transport, but sending any
    response head still held back first.
    """

    def __init__(self, app: App, connections: set[Connection]) -> None:
        self.loop = asyncio.get_running_loop()
        self._app = app
        self._connections = connections
        self.transport: asyncio.Transport = None  # type: ignore[assignment]
        self._parser = httptools.HttpRequestParser(self)
        self._queue: deque[Exchange] = deque()  # heads parsed; the first is being served
        self._parsing: Exchange | None = None  # the exchange whose body is being parsed
        self._url = b""
        self._headers: list[tuple[bytes, bytes]] = []
        self._expect = False
        self._in_head = True
        self._head_bytes = 0  # bytes received while a head was incomplete (bounds buffering)
        self._too_large = False
        self._pending: bytes | None = None  # a response head waiting for its first body bytes
        self._idle: asyncio.Future[None] | None = None
        self._drain: asyncio.Future[None] | None = None
        self._linger: asyncio.TimerHandle | None = None
        self._final: bytes | None = None  # an error answer due once the queue is served
        self._done_parsing = False  # no more requests are read from this connection
        self._eof = False
        self._closing = False
        self.lost = False
        self.reading_paused = False
        self.write_paused = False
        self.last_active = self.loop.time()
        self._client: tuple[str, int] | None = None
        self._server: tuple[str, int] | None = None
        self._extensions: dict[str, Any] = {"awsrec.transport": self}
        self._worker: asyncio.Task[None] | None = None

    # --- asyncio.Protocol ---------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's TCP transport has the asyncio.Transport methods without subclassing it.
        self.transport = cast(asyncio.Transport, transport)
        self._client = _address(transport.get_extra_info("peername"))
        self._server = _address(transport.get_extra_info("sockname"))
        self._connections.add(self)
        self._worker = self.loop.create_task(self._work())  # held: the loop keeps weak refs

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost = True
        self._connections.discard(self)
        for ex in self._queue:
            ex.lose()
        self._pending = None
        self.write_paused = False
        for waiter in (self._idle, self._drain):
            if waiter is not None and not waiter.done():
                waiter.set_result(None)
        if self._linger is not None:
            self._linger.cancel()

    def eof_received(self) -> bool | None:
        parsing = self._parsing
        answers_due = self._queue or self._final is not None
        if self._linger is not None or not answers_due or (parsing and parsing.more_body):
            return None  # nothing complete to answer, or a body cut short: close
        self._eof = True  # the client half-closed after whole requests: answer them, then close
        return True

    def data_received(self, data: bytes) -> None:
        self.last_active = self.loop.time()
        if self._done_parsing:
            return  # lingering, or after an upgrade request: dropped
        if self._in_head:
            self._head_bytes += len(data)
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            # No protocol upgrades here: the request is answered as plain HTTP, then the
            # connection closes.
            self._done_parsing = True
            if self._queue:
                self._queue[-1].keep_alive = False
            return
        except httptools.HttpParserError:
            self._reject(HEAD_TOO_LARGE if self._too_large else BAD_REQUEST)
            return
        # asyncio hands over at most 256 KiB at a time, so this bounds what is buffered.
        if self._in_head and self._head_bytes > MAX_HEAD_BYTES:
            self._reject(HEAD_TOO_LARGE)

    def pause_writing(self) -> None:
        self.write_paused = True

    def resume_writing(self) -> None:
        self.write_paused = False
        if self._drain is not None and not self._drain.done():
            self._drain.set_result(None)

    # --- httptools callbacks ------------------------------------------------------------------

    def on_message_begin(self) -> None:
        self._url = b""
        self._headers = []
        self._expect = False

    def on_url(self, url: bytes) -> None:
        self._url += url

    def on_header(self, name: bytes, value: bytes) -> None:
        name = name.lower()
        if name == b"expect":
            self._expect = value.lower() == b"100-continue"
        self._headers.append((name, value))

    def on_headers_complete(self) -> None:
        # Exact size only when chunk counting cannot vouch for it: the head began inside a
        # chunk (not counted), or the chunks it came in were large.
        if not 0 < self._head_bytes <= MAX_HEAD_BYTES and _head_size(self) > MAX_HEAD_BYTES:
            self._too_large = True
            raise _HeadTooLargeError
        self._in_head = False
        parser = self._parser
        raw_path, path, query = split_target(self._url)
        scope = {
            "type": "http",
            "asgi": _ASGI,
            "http_version": parser.get_http_version(),
            "server": self._server,
            "client": self._client,
            "scheme": "http",
            "root_path": "",
            "method": parser.get_method().decode("ascii", "replace"),
            "path": path,
            "raw_path": raw_path,
            "query_string": query,
            "headers": self._headers,
            "extensions": self._extensions,
        }
        ex = Exchange(self, scope, parser.should_keep_alive() and not self._closing, self._expect)
        self._parsing = ex
        self._queue.append(ex)
        if len(self._queue) == 1:
            if self._idle is not None and not self._idle.done():
                self._idle.set_result(None)
        else:
            self.update_reading()  # pipelined behind another: read no further for now

    def on_body(self, body: bytes) -> None:
        ex = self._parsing
        assert ex is not None
        ex.feed(body)
        if ex.buffered >= BODY_HIGH_WATER and not self.reading_paused:
            self.update_reading()

    def on_message_complete(self) -> None:
        ex = self._parsing
        assert ex is not None
        ex.end()
        self._parsing = None
        self._in_head = True
        self._head_bytes = 0

    # --- the worker ---------------------------------------------------------------------------

    async def _work(self) -> None:
        """Serve queued requests one after another, for the connection's whole life."""
        CURRENT.set(self)
        queue = self._queue
        while not self.lost:
            if not queue:
                if self._eof or self._closing or self._final is not None:
                    break
                self._idle = self.loop.create_future()
                await self._idle
                self._idle = None
                continue
            ex = queue[0]
            await self._run(ex)
            queue.popleft()
            if not ex.keep_alive:
                break  # the response's end closed the connection, if it came
            if self.reading_paused:
                self.update_reading()
        if self.lost or self.transport.is_closing():
            return
        if self._final is not None:
            self.transport.write(self._final)
            self._shut(linger=True)
        else:
            self._shut(linger=False)

    async def _run(self, ex: Exchange) -> None:
        try:
            await self._app(ex.scope, ex.receive, ex.send)
        except Exception:  # the server's top level: log, answer 500 or cut, keep serving others
            log.exception("exception in ASGI app for %s %s", ex.scope["method"], ex.scope["path"])
            ex.keep_alive = False
            if not ex.started and not ex.lost:
                ex.fail()
            else:
                self._shut(linger=False)
            return
        if ex.complete or ex.lost:
            return
        ex.keep_alive = False
        if not ex.started:
            log.error("ASGI app returned without a response: %s", ex.scope["path"])
            ex.fail()
        else:
            log.error("ASGI app returned before its response ended: %s", ex.scope["path"])
            self._shut(linger=False)

    def response_complete(self, ex: Exchange) -> None:
        """The response to `ex` is fully written."""
        self.last_active = self.loop.time()
        if ex.more_body:
            # Answered before the whole body came: keep parsing it, dropping the bytes.
            ex.discard = True
            ex.chunks.clear()
            ex.buffered = 0
            if self.reading_paused:
                self.update_reading()
        if self._closing:
            ex.keep_alive = False
        if not ex.keep_alive:
            self._shut(linger=ex.more_body)

    # --- flow control and writing -------------------------------------------------------------

    def update_reading(self) -> None:
        """Pause reading while a request waits behind another or a body piles up unread."""
        parsing = self._parsing
        pause = not self._done_parsing and (
            len(self._queue) > 1 or (parsing is not None and parsing.buffered >= BODY_HIGH_WATER)
        )
        if pause != self.reading_paused and not self.lost:
            self.reading_paused = pause
            if pause:
                self.transport.pause_reading()
            else:
                self.transport.resume_reading()

    async def drain(self) -> None:
        """Wait until the transport's write buffer is below its low-water mark."""
        if self.lost or not self.write_paused:
            return
        self._drain = self.loop.create_future()
        await self._drain
        self._drain = None

    def hold(self, head: bytes | None) -> None:
        """Keep a response head until the first body bytes, so both leave in one send.

        A response whose body comes later (a stalled or streamed one) gets its head sent on
        the next turn of the loop anyway.
        """
        self._pending = head
        if head is not None:
            self.loop.call_soon(self.flush)

    def flush(self) -> None:
        head = self._pending
        if head is not None:
            self._pending = None
            if not self.lost:
                self.transport.write(head)

    def write(self, parts: list[bytes]) -> None:
        """Write the pieces of a response, after the head held back, in as few sends as may be."""
        if self._pending is not None:
            parts.insert(0, self._pending)
            self._pending = None
        if not parts or self.lost:
            return
        if len(parts) == 1:
            self.transport.write(parts[0])
        elif sum(map(len, parts)) < JOIN_BELOW:
            self.transport.write(b"".join(parts))
        else:
            self.transport.writelines(parts)

    def write_now(self, data: bytes) -> None:
        self.flush()
        if not self.lost:
            self.transport.write(data)

    def _reject(self, answer: bytes) -> None:
        """Unparseable or oversized input: answer once the requests before it are served."""
        self._done_parsing = True
        self._final = answer
        parsing = self._parsing
        if parsing is not None and parsing.more_body:
            parsing.lose()  # its body will never end: the app sees the client go
        if not self._queue and self._idle is not None and not self._idle.done():
            self._idle.set_result(None)

    def _shut(self, linger: bool) -> None:
        """Close the connection, with `linger` only after a grace period.

        Lingering reads and drops what the client still sends (RFC 9112, 9.6), so that a TCP
        reset does not destroy the answer before the client reads it.
        """
        transport = self.transport
        if transport.is_closing():
            return
        self.flush()
        if not linger or self._eof or not transport.can_write_eof():
            transport.close()
            return
        self._done_parsing = True
        transport.write_eof()
        self.update_reading()
        self._linger = self.loop.call_later(LINGER_S, transport.close)

    # --- server side --------------------------------------------------------------------------

    def shutdown(self) -> None:
        """The server is stopping: close now if idle, else after the response in progress."""
        self._closing = True
        if not self._queue:
            self._shut(linger=False)
        else:
            self._queue[0].keep_alive = False

    def expire(self) -> None:
        """Idle too long (see idle_for): close; an app waiting for a body sees the client go."""
        self._closing = True
        self._shut(linger=False)

    def idle_for(self, now: float) -> float:
        """Seconds since the client last sent anything, while the server waits on it.

        0 while the app works on a request: only a missing head or body counts as idle.
        """
        if self._queue and not self._queue[0].starved:
            return 0.0
        return now - self.last_active

    # --- the transport face, for connection-level faults --------------------------------------

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self.transport.get_extra_info(name, default)

    def is_closing(self) -> bool:
        return self.transport.is_closing()

    def close(self) -> None:
        """Orderly close (FIN) after everything written so far."""
        self.flush()
        self.transport.close()

    def abort(self) -> None:
        """Close at once, dropping unsent bytes (with SO_LINGER 0 set: a TCP reset)."""
        self.flush()
        self.transport.abort()


def _head_size(conn: Connection) -> int:
    return len(conn._url) + sum(len(n) + len(v) + 4 for n, v in conn._headers)


def _address(info: Any) -> tuple[str, int] | None:
    if isinstance(info, tuple) and len(info) >= 2:
        return (str(info[0]), int(info[1]))
    return None
