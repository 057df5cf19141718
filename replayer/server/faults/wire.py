"""Connection-level faults: delay, bandwidth caps, truncation, resets and stalls on the socket."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
from collections.abc import AsyncGenerator, AsyncIterator
from typing import TYPE_CHECKING, Any, Protocol

from replayer.server.asgi import Receive, Send
from replayer.server.http import current_connection
from replayer.state.base import Body, ServeResponse

if TYPE_CHECKING:
    from replayer.server.faults.schema import Cut, Stall

_SLICE_MAX = 64 * 1024
_GOODBYE_S = 10.0  # how long to wait for the server to notice a connection we ended


class Plan(Protocol):
    """What the sender needs to know from an Injection."""

    cut: Cut | None
    stall: Stall | None
    delay_s: float
    response_rate: int | None


class Pacer:
    """Holds a byte stream to `rate` bytes/s, measured from the first byte."""

    __slots__ = ("rate", "sent", "start")

    def __init__(self, rate: int) -> None:
        self.rate = rate
        self.sent = 0
        self.start: float | None = None

    async def account(self, n: int) -> None:
        """Count `n` bytes just moved, then wait until the rate allows the next ones."""
        self.sent += n
        await self.ready()

    async def ready(self) -> None:
        """Wait until the bytes counted so far have had their time on the link."""
        loop = asyncio.get_running_loop()
        if self.start is None:
            self.start = loop.time()
        wait = self.start + self.sent / self.rate - loop.time()
        if wait > 0:
            await asyncio.sleep(wait)


def paced_body(body: Body, rate: int) -> Body:
    """`body`, read no faster than `rate` bytes/s.

    uvicorn then stops reading the socket, so TCP flow control holds the client's upload back,
    as on a slow link.
    """
    chunks = body.chunks()
    pacer = Pacer(rate)

    async def receive() -> bytes | None:
        chunk = await anext(chunks, None)
        if chunk is not None:
            await pacer.account(len(chunk))
        return chunk

    return Body(receive)


def _headers(response: ServeResponse, head: bool) -> list[tuple[bytes, bytes]]:
    headers = response.headers
    if isinstance(response.body, bytes | bytearray) and not head:
        headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
        headers.append(("Content-Length", str(len(response.body))))
    return [(k.encode("latin-1"), v.encode("latin-1", "replace")) for k, v in headers]


async def _slices(
    body: bytes | bytearray | AsyncIterator[bytes], size: int
) -> AsyncGenerator[bytes, None]:
    if isinstance(body, bytes | bytearray):
        for i in range(0, len(body), size):
            yield bytes(body[i : i + size])
        return
    async for chunk in body:
        for i in range(0, len(chunk), size):
            yield chunk[i : i + size]


async def send_response(
    send: Send, receive: Receive, response: ServeResponse, head: bool, plan: Plan
) -> None:
    """Send `response` as `plan` says: late, slowly, cut short, reset, or stalled."""
    if plan.delay_s > 0:
        await asyncio.sleep(plan.delay_s)
    cut = plan.cut
    if cut is not None and cut.after_bytes is None:
        await end_connection(send, receive, reset=True)
        return
    start = {"type": "http.response.start", "status": response.status}
    await send(start | {"headers": _headers(response, head)})
    if plan.stall is not None:
        await _stall(receive, plan.stall.seconds)
        await end_connection(send, receive, reset=False)
        return
    rate = plan.response_rate
    size = min(_SLICE_MAX, max(1024, rate // 16)) if rate else _SLICE_MAX
    pacer = Pacer(rate) if rate else None
    limit = cut.after_bytes if cut is not None else None
    sent = 0
    pieces = _slices(b"" if head else response.body, size)
    try:
        async for piece in pieces:
            if limit is not None and sent + len(piece) >= limit:
                if limit > sent:
                    part = piece[: limit - sent]
                    await send({"type": "http.response.body", "body": part, "more_body": True})
                await end_connection(send, receive, reset=cut is not None and cut.reset)
                return
            if pacer is not None:
                # Wait before a piece rather than after it: the last byte leaves on time and
                # the response completes with it.
                await pacer.ready()
                pacer.sent += len(piece)
            await send({"type": "http.response.body", "body": piece, "more_body": True})
            sent += len(piece)
    finally:
        await pieces.aclose()  # a cut-short model stream releases what it holds now
    if cut is not None and cut.reset:
        await end_connection(send, receive, reset=True)
        return
    await send({"type": "http.response.body", "body": b""})


async def _stall(receive: Receive, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(_until_disconnect(receive), seconds)


async def _until_disconnect(receive: Receive) -> None:
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return


def _transport(send: Send) -> Any:
    # ASGI has no "abort". awsrec's own server (replayer.server.http) names the connection
    # serving this task (also in scope["extensions"]["awsrec.transport"]); under uvicorn,
    # `send` is a bound method of its RequestResponseCycle, which holds the asyncio transport.
    # Another server: None, and the caller just returns.
    connection = current_connection()
    if connection is not None:
        return connection
    return getattr(getattr(send, "__self__", None), "transport", None)


async def end_connection(send: Send, receive: Receive, reset: bool) -> None:
    """End the connection mid-response: a TCP reset, or an orderly close (FIN) after what was sent.

    Then wait until the server has seen it go, so it does not log an incomplete response as an
    application error.
    """
    transport = _transport(send)
    if transport is None:
        return
    if reset:
        sock = transport.get_extra_info("socket")
        # SO_LINGER on with timeout 0 makes close() send RST instead of FIN.
        with contextlib.suppress(OSError, AttributeError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        transport.abort()
    else:
        transport.close()
    try:
        await asyncio.wait_for(_until_disconnect(receive), _GOODBYE_S)
    except TimeoutError:
        transport.abort()
