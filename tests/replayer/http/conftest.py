"""HTTP server fixtures: awsrec's own server running the real app or a test app, raw sockets."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

import pytest

from replayer.server.config import ServeConfig
from replayer.server.http import HttpServer
from replayer.server.run import BackgroundServer, bind

Scope = dict[str, Any]
AsgiApp = Callable[..., Any]


@pytest.fixture(scope="module")
def _lean_server() -> Iterator[BackgroundServer]:
    server = BackgroundServer(ServeConfig(port=0), server="awsrec").start()
    assert isinstance(server._server, HttpServer)
    yield server
    server.stop()


@pytest.fixture
def lean(_lean_server: BackgroundServer) -> str:
    """URL of the real app on awsrec's HTTP server (empty world, reset for this test)."""
    from tests.replayer.conftest import reset

    reset(_lean_server.url)
    return _lean_server.url


@pytest.fixture
def lean_factory() -> Iterator[Callable[..., BackgroundServer]]:
    """Start the real app on awsrec's HTTP server with ServeConfig fields; stopped at teardown."""
    started: list[BackgroundServer] = []

    def start(**fields: Any) -> BackgroundServer:
        server = BackgroundServer(replace(ServeConfig(port=0), **fields), server="awsrec")
        started.append(server.start())
        return server

    yield start
    for server in started:
        server.stop()


class AppServer:
    """A test ASGI app on awsrec's HTTP server, in a thread with its own loop."""

    def __init__(self, app: AsgiApp, **options: Any) -> None:
        self.sock = bind("127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.closed = 0
        self.server = HttpServer(app, on_shutdown=self._on_shutdown, **options)
        self._thread = threading.Thread(target=self.server.run, args=([self.sock],), daemon=True)

    def _on_shutdown(self) -> None:
        self.closed += 1

    def start(self) -> AppServer:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            assert self._thread.is_alive()
            assert time.monotonic() < deadline
            time.sleep(0.005)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self._thread.join(10)
        assert not self._thread.is_alive()


@pytest.fixture
def app_server() -> Iterator[Callable[..., AppServer]]:
    """`app_server(asgi_app, **HttpServer options)`: serve a test app; stopped at teardown."""
    started: list[AppServer] = []

    def start(app: AsgiApp, **options: Any) -> AppServer:
        server = AppServer(app, **options).start()
        started.append(server)
        return server

    yield start
    for server in started:
        if server._thread.is_alive():
            server.stop()


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None


class Wire:
    """A raw client connection: send any bytes, read HTTP/1.1 responses one by one."""

    def __init__(self, url: str, timeout: float = 10) -> None:
        parts = urlsplit(url)
        self.sock = socket.create_connection((parts.hostname, parts.port), timeout=timeout)
        self.buf = bytearray()

    def __enter__(self) -> Wire:
        return self

    def __exit__(self, *exc: object) -> None:
        self.sock.close()

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def _fill(self) -> bool:
        chunk = self.sock.recv(65536)
        self.buf += chunk
        return bool(chunk)

    def _line(self) -> bytes:
        while b"\r\n" not in self.buf:
            if not self._fill():
                raise EOFError(f"connection closed; unread {self.buf[:200]!r}")
        line, _, rest = self.buf.partition(b"\r\n")
        self.buf = rest
        return bytes(line)

    def _exactly(self, n: int) -> bytes:
        while len(self.buf) < n:
            if not self._fill():
                raise EOFError(f"connection closed after {len(self.buf)} of {n} bytes")
        out = bytes(self.buf[:n])
        del self.buf[:n]
        return out

    def head(self) -> tuple[int, list[tuple[str, str]]]:
        status = int(self._line().split(b" ", 2)[1])
        headers = []
        while line := self._line():
            name, _, value = line.decode("latin-1").partition(":")
            headers.append((name, value.strip()))
        return status, headers

    def response(self, method: str = "GET") -> Response:
        """The next response (skipping none: a 100 Continue is returned like any other)."""
        status, headers = self.head()
        resp = Response(status, headers, b"")
        if method == "HEAD" or status in (204, 304) or status < 200:
            return resp
        length = resp.header("content-length")
        if length is not None:
            resp.body = self._exactly(int(length))
        elif (resp.header("transfer-encoding") or "").lower() == "chunked":
            resp.body = self._chunked()
        else:
            resp.body = self.rest()
        return resp

    def _chunked(self) -> bytes:
        out = b""
        while size := int(self._line().split(b";")[0], 16):
            out += self._exactly(size)
            assert self._line() == b""
        while self._line():  # trailers
            pass
        return out

    def rest(self) -> bytes:
        """Everything until the server closes the connection."""
        while self._fill():
            pass
        out = bytes(self.buf)
        self.buf.clear()
        return out

    def closed(self) -> bool:
        """Whether the server closed the connection (EOF or reset) with nothing more to read."""
        try:
            return not self.buf and not self._fill()
        except ConnectionResetError:
            return True


def request(
    method: str, path: str, headers: dict[str, str] | None = None, body: bytes = b""
) -> bytes:
    """A request's bytes; Host and Content-Length (for a body) are added."""
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
    fields = dict(headers or {})
    if body and "Transfer-Encoding" not in fields:
        fields.setdefault("Content-Length", str(len(body)))
    lines += [f"{k}: {v}" for k, v in fields.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


S3 = {
    "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/s3/aws4_request, "
    "SignedHeaders=host, Signature=00",
    "X-Amz-Date": "20260101T000000Z",
    "X-Amz-Content-Sha256": "UNSIGNED-PAYLOAD",
}
