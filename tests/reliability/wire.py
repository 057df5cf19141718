"""Raw-socket HTTP for hostile-input tests: send any bytes, read whatever comes back."""

from __future__ import annotations

import contextlib
import json
import re
import socket
from dataclasses import dataclass, field
from urllib.parse import urlsplit

# Markers of a Python traceback leaking to a client.
_LEAKS = (b"Traceback (most recent call last)", b'File "/', b"Error: ", b"site-packages")
# What uvicorn (httptools) answers to bytes it cannot parse as HTTP/1.1, before closing.
FRAMING_REJECT = b"Invalid HTTP request received."


@dataclass
class Reply:
    """What the server sent back: nothing (closed), or a status line, headers and body."""

    status: int | None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    raw: bytes = b""

    @property
    def aws_code(self) -> str | None:
        """The AWS error code of an XML (S3/STS) or JSON (DynamoDB/Lambda) error body."""
        found = re.search(rb"<Code>([^<]+)</Code>", self.body)
        if found:
            return found.group(1).decode()
        if "x-amzn-errortype" in self.headers:
            return self.headers["x-amzn-errortype"].split(":")[0]
        try:
            doc = json.loads(self.body)
        except ValueError:
            return None
        kind = doc.get("__type") if isinstance(doc, dict) else None
        return kind.rsplit("#", 1)[-1] if isinstance(kind, str) else None


def exchange(
    url: str, data: bytes, *, close_after_send: bool = False, timeout: float = 20
) -> Reply:
    """Send `data` on a fresh connection and read until the server closes it.

    Requests should carry `Connection: close` so that a well-framed exchange ends with EOF.
    With `close_after_send`, the client hangs up right after sending (a truncated upload).
    """
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=timeout) as sock:
        # The server may refuse mid-send (e.g. a 10 MB header); then read what it said.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(data)
        if close_after_send:
            return Reply(None)
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    return parse(b"".join(chunks))


def parse(raw: bytes) -> Reply:
    if not raw:
        return Reply(None, raw=raw)
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ")[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        headers[name.decode("latin-1").strip().lower()] = value.decode("latin-1").strip()
    if headers.get("transfer-encoding") == "chunked":
        body = _unchunk(body)
    return Reply(status, headers, body, raw)


def _unchunk(data: bytes) -> bytes:
    out = bytearray()
    while data:
        size_line, _, rest = data.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        out += rest[:size]
        data = rest[size + 2 :]
    return bytes(out)


def request(
    method: bytes,
    target: bytes,
    headers: list[tuple[bytes, bytes]],
    body: bytes = b"",
    *,
    length: bool = True,
) -> bytes:
    """Bytes of one HTTP/1.1 request, exactly as given (nothing is validated or escaped)."""
    lines = [method + b" " + target + b" HTTP/1.1", b"Host: 127.0.0.1", b"Connection: close"]
    lines += [name + b": " + value for name, value in headers]
    if length:
        lines.append(b"Content-Length: " + str(len(body)).encode())
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def leaks(reply: Reply) -> bool:
    """Whether the reply shows Python internals (a traceback, file paths)."""
    return any(marker in reply.raw for marker in _LEAKS[:2] + _LEAKS[3:])
