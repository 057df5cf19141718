"""The replay client: send one recorded request to a target, re-signed with the target's keys."""

from __future__ import annotations

import gzip
import http.client
import socket
import threading
from urllib.parse import quote, urlsplit

from awsrec.aws.sigv4 import resign
from awsrec.cassette import Request, Response
from awsrec.errors import AwsrecError, UsageError
from replayer.diff.model import Target


class TargetError(AwsrecError):
    """A target could not be reached or answered with something that is not HTTP."""


# Hop-by-hop and signing headers: the client and the signer set their own.
_DROP = frozenset(
    {"host", "content-length", "connection", "keep-alive", "expect", "transfer-encoding",
     "authorization", "x-amz-date", "x-amz-security-token", "accept-encoding", "proxy-connection"}
)  # fmt: skip
_SIGNING_NAME = {"s3": "s3", "dynamodb": "dynamodb", "lambda": "lambda", "sts": "sts"}


def query_string(query: list[tuple[str, str]]) -> str:
    """Decoded query pairs as the wire form AWS signs (RFC 3986 unreserved kept)."""
    return "&".join(f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}" for k, v in query)


def _host_port(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    if parts.scheme != "http" or not parts.hostname:
        raise UsageError(f"target URL must be http://HOST:PORT, got {url!r}")
    return parts.hostname, parts.port or 80


class TargetClient:
    """Sends requests to one target; one keep-alive connection per thread."""

    def __init__(self, target: Target, region: str, timeout_s: float = 30.0) -> None:
        self.target = target
        self.region = region
        self.timeout_s = timeout_s
        self.host, self.port = _host_port(target.url)
        self.base = target.url.rstrip("/")
        self._local = threading.local()

    def _connection(self) -> http.client.HTTPConnection:
        conn: http.client.HTTPConnection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout_s)
            self._local.conn = conn
        return conn

    def unreachable(self) -> str | None:
        """Why the target cannot be connected to, or None when it accepts connections.

        Checked once before seeding: boto3 would retry (and back off) on every seeding and
        cleanup call against a target that is down.
        """
        try:
            socket.create_connection((self.host, self.port), timeout=self.timeout_s).close()
        except OSError as e:
            return f"{self.target.name} ({self.base}) is unreachable: {e}"
        return None

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    def _signed(self, service: str, request: Request, target_path: str) -> list[tuple[str, str]]:
        headers = [(k, v) for k, v in request.headers if k.lower() not in _DROP]
        if request.body or request.method in ("PUT", "POST"):
            headers.append(("Content-Length", str(len(request.body))))
        return resign(
            request.method,
            self.base + target_path,
            headers,
            request.body,
            service=_SIGNING_NAME.get(service, service),
            region=self.region,
            access_key=self.target.access_key,
            secret_key=self.target.secret_key,
            session_token=self.target.session_token,
        )

    def send(self, service: str, request: Request) -> Response:
        """Send `request` (path-style, decoded query pairs) and return the raw response."""
        qs = query_string(request.query)
        target_path = request.path + (f"?{qs}" if qs else "")
        headers = self._signed(service, request, target_path)
        for attempt in (1, 2):
            conn = self._connection()
            try:
                conn.putrequest(request.method, target_path, skip_host=True,
                                skip_accept_encoding=True)  # fmt: skip
                conn.putheader("Host", f"{self.host}:{self.port}")
                for name, value in headers:
                    if name.lower() != "host":
                        conn.putheader(name, value)
                conn.endheaders(request.body or None)
                resp = conn.getresponse()
                body = resp.read()
                break
            except (OSError, http.client.HTTPException) as e:
                self.close()
                # Only a kept-alive connection the server closed is worth one more try.
                stale = isinstance(e, (http.client.RemoteDisconnected, ConnectionResetError,
                                       BrokenPipeError))  # fmt: skip
                if attempt == 2 or not stale:
                    raise TargetError(f"{self.target.name} ({self.base}): {e}") from e
        pairs = [(k, v) for k, v in resp.getheaders()]
        if resp.getheader("Content-Encoding", "").lower() == "gzip" and body:
            body = gzip.decompress(body)
        return Response(resp.status, pairs, body)
