"""The Lambda Runtime API (2018-06-01) that one worker's runtime client talks to.

https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html. Each worker gets its own
loopback port, so a request needs no worker id: the port says whose it is.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

PREFIX = "/2018-06-01/runtime/"
_MAX_HEAD = 64 * 1024


@dataclass(slots=True)
class ApiRequest:
    method: str
    path: str
    headers: dict[str, str]  # lower-cased names
    body: bytes


@dataclass(slots=True)
class ApiResponse:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


Route = Callable[[ApiRequest], Awaitable[ApiResponse]]
_REASONS = {200: "OK", 202: "Accepted", 400: "Bad Request", 403: "Forbidden", 404: "Not Found"}


async def _read_request(reader: asyncio.StreamReader) -> ApiRequest | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
        return None
    lines = head.decode("latin-1").split("\r\n")
    method, path, _ = lines[0].split(" ", 2)
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    return ApiRequest(method, path, headers, b"")


async def _read_body(reader: asyncio.StreamReader, headers: dict[str, str]) -> bytes:
    if headers.get("transfer-encoding", "").lower() == "chunked":
        parts: list[bytes] = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await reader.readuntil(b"\r\n")
                return b"".join(parts)
            parts.append(await reader.readexactly(size))
            await reader.readexactly(2)
    length = int(headers.get("content-length", "0") or 0)
    return await reader.readexactly(length) if length else b""


def _encode(resp: ApiResponse) -> bytes:
    reason = _REASONS.get(resp.status, "Status")
    lines = [f"HTTP/1.1 {resp.status} {reason}"]
    lines += [f"{k}: {v}" for k, v in resp.headers]
    lines.append(f"Content-Length: {len(resp.body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + resp.body


class RuntimeApiServer:
    """A tiny HTTP/1.1 keep-alive server on 127.0.0.1:0 dispatching to `route`."""

    def __init__(self, route: Route) -> None:
        self.route = route
        self.server: asyncio.Server | None = None
        self.port = 0
        self._conns: set[asyncio.StreamWriter] = set()
        # asyncio drops its own reference to a connection's task when the connection is lost;
        # a task still awaiting the next invocation would then be destroyed pending.
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> int:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0, limit=_MAX_HEAD)
        self.port = int(self.server.sockets[0].getsockname()[1])
        return self.port

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._conns.add(writer)
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        try:
            while (req := await _read_request(reader)) is not None:
                if req.headers.get("expect", "").lower() == "100-continue":
                    # curl waits for this before sending a large body.
                    writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
                req.body = await _read_body(reader, req.headers)
                resp = await self.route(req)
                writer.write(_encode(resp))
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass  # the worker went away, or the server is stopping
        finally:
            self._conns.discard(writer)
            self._tasks.discard(task)
            writer.close()

    def close(self) -> None:
        if self.server is not None:
            self.server.close()
        for writer in list(self._conns):
            with contextlib.suppress(Exception):
                writer.close()
        self._conns.clear()
        for task in list(self._tasks):
            with contextlib.suppress(RuntimeError):  # off the loop, after it closed (atexit)
                task.cancel()
