"""A loopback HTTP server (origin and forward-proxy form) that runs awsrec.aws on every request.

It answers each request with an AWS error rendered by awsrec.aws.errors whose message names
what awsrec identified, so a real boto3 client both sends real wire requests and parses our
rendered errors with its own parsers.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from awsrec.aws.detect import detect_region, detect_service
from awsrec.aws.errors import AwsError, render_error
from awsrec.aws.operations import identify_operation
from awsrec.aws.s3_addressing import canonical_s3
from awsrec.aws.sigv4 import verify_sigv4

SECRET = "testing"
PROBE_CODE = "AwsrecProbe"


@dataclass
class Seen:
    method: str
    host: str
    raw_path: str
    query: list[tuple[str, str]]
    headers: list[tuple[str, str]]
    body: bytes
    service: str | None
    region: str | None
    operation: str | None
    labels: dict[str, str]
    addressing: str
    signature_ok: bool


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # else keep-alive round trips wait on delayed ACKs
    server: _ProbeServer

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def _handle(self) -> None:
        split = urlsplit(self.path)  # absolute form when we are used as a forward proxy
        headers = list(self.headers.items())
        host = split.netloc or self.headers.get("Host", "")
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        query = parse_qsl(split.query, keep_blank_values=True)
        service = detect_service(self.command, host, split.path, query, headers, body)
        path, addressing = split.path, "path"
        if service == "s3":
            path, addressing = canonical_s3(host, split.path)
        match = (
            identify_operation(service, self.command, path, query, headers, body)
            if service
            else None
        )
        seen = Seen(
            self.command,
            host,
            split.path,
            query,
            headers,
            body,
            service,
            detect_region(host, headers, query),
            match.name if match else None,
            match.labels if match else {},
            addressing,
            verify_sigv4(self.command, split.path, query, headers, body, SECRET),
        )
        with self.server.lock:
            self.server.seen.append(seen)
        error = AwsError(PROBE_CODE, f"{service}:{seen.operation}", status=400)
        status, out_headers, out_body = render_error(
            service or "s3", error, request_id="probe-1", head=self.command == "HEAD"
        )
        self.send_response(status)
        for key, value in out_headers:
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(out_body)))
        self.end_headers()
        self.wfile.write(out_body)

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = do_PATCH = _handle


class _ProbeServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.seen: list[Seen] = []
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def take(self) -> list[Seen]:
        with self.lock:
            seen, self.seen = self.seen, []
        return seen


@contextmanager
def probe_server() -> Iterator[_ProbeServer]:
    server = _ProbeServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
