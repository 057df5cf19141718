"""A reverse proxy in front of moto that changes its answers in known ways (a divergent target).

Cassettes are recorded by the real recorder (tests/replayer/diff/scenario.py), not here.
"""

from __future__ import annotations

import http.client
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

Pairs = list[tuple[str, str]]
# (method, path, query, status, headers, body) -> (status, headers, body)
Mutation = Callable[[str, str, Pairs, int, Pairs, bytes], tuple[int, Pairs, bytes]]
_HOP = {"connection", "keep-alive", "transfer-encoding", "proxy-connection"}


@dataclass
class ProxyState:
    upstream: str
    mutate: Mutation | None = None


def _forward(state: ProxyState, method: str, target: str, headers: Pairs, body: bytes
             ) -> tuple[int, Pairs, bytes]:  # fmt: skip
    parts = urlsplit(state.upstream)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        conn.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
        for name, value in headers:
            if name.lower() not in _HOP:
                conn.putheader(name, value)
        conn.endheaders(body or None)
        resp = conn.getresponse()
        data = resp.read()
        return resp.status, list(resp.getheaders()), data
    finally:
        conn.close()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    state: ProxyState

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = [(k, v) for k, v in self.headers.items()]
        status, resp_headers, resp_body = _forward(
            self.state, self.command, self.path, headers, body
        )
        parts = urlsplit(self.path)
        query = parse_qsl(parts.query, keep_blank_values=True)
        if self.state.mutate is not None:
            status, resp_headers, resp_body = self.state.mutate(
                self.command, parts.path, query, status, resp_headers, resp_body
            )
        self.send_response_only(status)
        for name, value in resp_headers:
            if name.lower() not in _HOP and name.lower() != "content-length":
                self.send_header(name, value)
        if self.command != "HEAD":
            self.send_header("Content-Length", str(len(resp_body)))
        else:
            length_header = next((v for k, v in resp_headers if k.lower() == "content-length"), "0")
            self.send_header("Content-Length", length_header)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(resp_body)

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = do_PATCH = _handle


@contextmanager
def proxy(upstream: str, mutate: Mutation | None = None) -> Iterator[tuple[str, ProxyState]]:
    """A reverse proxy on a free loopback port in front of `upstream`; yields (url, state)."""
    state = ProxyState(upstream, mutate)
    handler = type("Handler", (_Handler,), {"state": state})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", state
    finally:
        server.shutdown()
        server.server_close()
