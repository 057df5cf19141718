"""The recorder's upstream client (endpoint mode): one HTTP/1.1 exchange per call, over a pool.

Endpoint mode rewrites every request completely (new target, new signature), so the Route addon
sends it itself from mitmproxy's `request` hook and gives mitmproxy the answer as the flow's
response, as mitmproxy's own server-playback addon does; mitmproxy still parses the SDK's
request, runs every hook and answers the SDK. Left out is mitmproxy's upstream machinery per
request (a connection object and layer stack, three connection hooks, a second HTTP/1 state
machine, pyOpenSSL for TLS): ~10% of the proxy's CPU per exchange against moto
(benchmarks/record_overhead.py), and kept connections are shared by all SDK connections.

Framing and protocol state are h11's (mitmproxy's own HTTP/1 dependency). The pool keeps idle
connections per (scheme, host, port); a request that finds its kept connection dropped by the
server before any byte of the answer is sent again once on a new connection (the server never
saw it), as urllib3 does.
"""

from __future__ import annotations

import asyncio
import ssl
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import certifi
import h11

Pairs = list[tuple[str, str]]
Key = tuple[str, str, int]
# Hop-by-hop for this leg: the body is sent at once, so the SDK's Expect: 100-continue would
# only make some servers answer 100 first (RFC 9110, 10.1.1).
DROPPED = frozenset({"expect"})
READ_BYTES = 1 << 16
# Longest silence accepted from an upstream mid-answer: a synchronous Lambda Invoke may run 15
# minutes before its first byte. Past it the exchange fails (502) rather than hang forever.
READ_TIMEOUT = 960.0


class UpstreamError(Exception):
    """The upstream could not be reached or did not answer with HTTP/1.1."""


@dataclass(slots=True)
class Answer:
    status: int
    reason: str
    http_version: str
    headers: list[tuple[bytes, bytes]]
    body: bytes


class _Stale(Exception):
    """A reused connection was closed by the server before it answered."""


@dataclass(slots=True)
class _Connection:
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    state: h11.Connection = field(default_factory=lambda: h11.Connection(h11.CLIENT))
    reused: bool = False

    def close(self) -> None:
        self.writer.close()

    async def exchange(self, request: h11.Request, body: bytes) -> Answer:
        state = self.state
        out = state.send(request) or b""
        if body:
            out += state.send(h11.Data(data=body)) or b""
        out += state.send(h11.EndOfMessage()) or b""
        self.writer.write(out)
        received = False
        head: h11.Response | None = None
        parts: list[bytes] = []
        while True:
            event = state.next_event()
            if event is h11.NEED_DATA:
                try:
                    async with asyncio.timeout(READ_TIMEOUT):
                        data = await self.reader.read(READ_BYTES)
                except TimeoutError as e:
                    raise UpstreamError(f"no answer for {READ_TIMEOUT:.0f} s") from e
                except OSError:
                    # A kept connection the server had dropped: our request met a reset.
                    if not received and self.reused:
                        raise _Stale from None
                    raise
                if not data and not received and self.reused:
                    raise _Stale
                received = received or bool(data)
                state.receive_data(data)
            elif isinstance(event, h11.InformationalResponse):
                continue
            elif isinstance(event, h11.Response):
                head = event
            elif isinstance(event, h11.Data):
                parts.append(bytes(event.data))
            elif isinstance(event, h11.EndOfMessage):
                break
            elif isinstance(event, h11.ConnectionClosed):
                raise UpstreamError("the upstream closed the connection before answering")
        assert head is not None
        return Answer(
            head.status_code,
            head.reason.decode("latin-1"),
            f"HTTP/{head.http_version.decode()}",
            [(bytes(k), bytes(v)) for k, v in head.headers.raw_items()],
            b"".join(parts),
        )

    def recycle(self) -> bool:
        """Ready the connection for its next exchange; False if it cannot have one."""
        if self.state.our_state is h11.DONE and self.state.their_state is h11.DONE:
            self.state.start_next_cycle()
            self.reused = True
            return not self.reader.at_eof()
        return False


class UpstreamClient:
    """Send requests to their upstreams; keep connections alive between them."""

    def __init__(self) -> None:
        self._idle: dict[Key, list[_Connection]] = {}
        self._tls: ssl.SSLContext | None = None

    async def fetch(self, method: str, url: str, headers: Pairs, body: bytes) -> Answer:
        parts = urlsplit(url)
        scheme = parts.scheme
        host = parts.hostname or ""
        port = parts.port or (443 if scheme == "https" else 80)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            request = h11.Request(
                method=method,
                target=target,
                # UTF-8, as they were read off the wire (recorder.capture.header_pairs).
                headers=[(k.encode(), v.encode()) for k, v in headers if k.lower() not in DROPPED],
            )
        except h11.LocalProtocolError as e:
            raise UpstreamError(f"cannot send this request upstream: {e}") from e
        key = (scheme, host, port)
        for fresh in (False, True):
            conn = None if fresh else self._take(key)
            if conn is None:
                conn = await self._open(key)
            try:
                answer = await conn.exchange(request, body)
            except _Stale:
                conn.close()
                continue
            except (OSError, h11.ProtocolError) as e:
                conn.close()
                raise UpstreamError(f"{host}:{port}: {e}") from e
            except BaseException:
                conn.close()
                raise
            if conn.recycle():
                self._idle.setdefault(key, []).append(conn)
            else:
                conn.close()
            return answer
        raise UpstreamError(f"{host}:{port} closed two connections without answering")

    def _take(self, key: Key) -> _Connection | None:
        idle = self._idle.get(key)
        while idle:
            conn = idle.pop()
            if not conn.reader.at_eof() and not conn.writer.is_closing():
                return conn
            conn.close()
        return None

    async def _open(self, key: Key) -> _Connection:
        scheme, host, port = key
        tls = self._context() if scheme == "https" else None
        try:
            reader, writer = await asyncio.open_connection(
                host, port, ssl=tls, server_hostname=host if tls else None, limit=READ_BYTES
            )
        except OSError as e:
            raise UpstreamError(f"cannot connect to {host}:{port}: {e}") from e
        return _Connection(reader, writer)

    def _context(self) -> ssl.SSLContext:
        # The same trust as mitmproxy's default for upstreams: certifi's CA bundle.
        if self._tls is None:
            self._tls = ssl.create_default_context(cafile=certifi.where())
        return self._tls

    def close(self) -> None:
        for idle in self._idle.values():
            for conn in idle:
                conn.close()
        self._idle.clear()
