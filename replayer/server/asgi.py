"""Raw ASGI plumbing: decoding the scope, streaming the request body, sending a ServeResponse."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, unquote_to_bytes

from replayer.state.base import ServeResponse

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class ClientDisconnectedError(Exception):
    """The client went away while its request body was being read."""


@dataclass(slots=True)
class Incoming:
    """A request as it arrived on the wire, decoded once."""

    method: str
    raw_path: str  # still percent-encoded, as the client sent it
    path: str  # percent-decoded
    query: list[tuple[str, str]]
    headers: list[tuple[str, str]]  # names lower-cased (ASGI), values latin-1
    host: str
    client: str


def _parse_query(raw: bytes) -> list[tuple[str, str]]:
    # Keep blank values and bare keys (`?uploads`, `?list-type=2&prefix=`), in wire order;
    # '+' is a literal plus in SigV4-signed AWS queries, not a space.
    out = []
    for part in raw.split(b"&"):
        if not part:
            continue
        key, _, value = part.partition(b"=")
        out.append((_decode(key), _decode(value)))
    return out


def _decode(raw: bytes) -> str:
    return unquote_to_bytes(raw).decode("utf-8", "surrogateescape")


def incoming(scope: Scope) -> Incoming:
    """Decode what the server needs from an ASGI http scope."""
    headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]]
    raw = scope.get("raw_path") or scope["path"].encode()
    raw_path = raw.decode("latin-1")
    host = ""
    for key, value in headers:
        if key == "host":
            host = value
            break
    client = scope.get("client") or ("", 0)
    return Incoming(
        method=scope["method"],
        raw_path=raw_path,
        path=unquote(raw_path, errors="surrogateescape"),
        query=_parse_query(scope.get("query_string", b"")),
        headers=headers,
        host=host,
        client=str(client[0]),
    )


class Receiver:
    """The body callback behind `replayer.state.base.Body`: returns chunks, then None."""

    __slots__ = ("_receive", "done")

    def __init__(self, receive: Receive) -> None:
        self._receive = receive
        self.done = False

    async def __call__(self) -> bytes | None:
        if self.done:
            return None
        message = await self._receive()
        if message["type"] == "http.disconnect":
            self.done = True
            raise ClientDisconnectedError("client disconnected during the request body")
        self.done = not message.get("more_body", False)
        body: bytes = message.get("body", b"")
        return body

    async def drain(self) -> None:
        """Discard what the handler left unread, so the connection can be reused."""
        while not self.done:
            await self()


def _encode(headers: list[tuple[str, str]]) -> list[tuple[bytes, bytes]]:
    return [(k.encode("latin-1"), v.encode("latin-1", "replace")) for k, v in headers]


async def send_response(send: Send, response: ServeResponse, head: bool = False) -> None:
    """Send `response`, streaming its body when it is an async iterator."""
    body = response.body
    headers = response.headers
    if response.status == 204 or response.status < 200:
        # "A server MUST NOT send a Content-Length header field in any response with a status
        # code of 1xx or 204" (RFC 9110, 8.6); S3's 204s (DeleteObject...) carry none.
        headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
        head = True
    if isinstance(body, bytes | bytearray):
        if not head:
            headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
            headers.append(("Content-Length", str(len(body))))
        start = {
            "type": "http.response.start",
            "status": response.status,
            "headers": _encode(headers),
        }
        await send(start)
        await send({"type": "http.response.body", "body": b"" if head else bytes(body)})
        return
    start = {"type": "http.response.start", "status": response.status, "headers": _encode(headers)}
    await send(start)
    stream: AsyncIterator[bytes] = body
    if not head:
        async for chunk in stream:
            if chunk:
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
    await send({"type": "http.response.body", "body": b""})
