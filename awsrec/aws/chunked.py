"""aws-chunked request bodies (S3 streaming uploads): incremental decoding and encoding."""

from __future__ import annotations

from collections.abc import Mapping

from awsrec.errors import AwsrecError

Pairs = list[tuple[str, str]]

# Framing: https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html and
# https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming-trailers.html
#   signed:   <hex-size>;chunk-signature=<sig>\r\n<data>\r\n ... 0;chunk-signature=<sig>\r\n
#   unsigned: <hex-size>\r\n<data>\r\n ... 0\r\n
# then optional trailers "name:value\r\n" (x-amz-checksum-*, x-amz-trailer-signature) and \r\n.
MAX_LINE = 8192  # a size line or trailer longer than this is malformed, not buffered


class AwsChunkedError(AwsrecError, ValueError):
    """An aws-chunked body is malformed or truncated."""


def is_aws_chunked(headers: Pairs) -> bool:
    """Whether the body is aws-chunked: Content-Encoding says so or the payload is STREAMING-*."""
    for key, value in headers:
        name = key.lower()
        if name == "content-encoding" and "aws-chunked" in value.lower():
            return True
        if name == "x-amz-content-sha256" and value.startswith("STREAMING-"):
            return True
    return False


class AwsChunkedDecoder:
    """Incremental aws-chunked decoder; memory is bounded by MAX_LINE plus what is fed."""

    def __init__(self) -> None:
        self._buf = bytearray()
        self._state = "size"  # size -> data -> crlf -> size ... -> trailer -> done
        self._remaining = 0
        self.trailers: dict[str, str] = {}
        self.chunk_signatures: list[str] = []
        self.decoded_length = 0

    @property
    def done(self) -> bool:
        return self._state == "done"

    def feed(self, data: bytes) -> bytes:
        """Consume wire bytes; return the payload bytes decoded from them."""
        self._buf += data
        out = bytearray()
        while self._buf and self._state != "done":
            if self._state == "data":
                take = min(self._remaining, len(self._buf))
                out += self._buf[:take]
                del self._buf[:take]
                self._remaining -= take
                self.decoded_length += take
                if self._remaining == 0:
                    self._state = "crlf"
            elif self._state == "crlf":
                if len(self._buf) < 2:
                    break
                if self._buf[:2] != b"\r\n":
                    raise AwsChunkedError("chunk data is not followed by CRLF")
                del self._buf[:2]
                self._state = "size"
            else:
                line = self._line()
                if line is None:
                    break
                self._on_line(line)
        if self._state == "done" and self._buf:
            raise AwsChunkedError(f"{len(self._buf)} bytes after the end of the aws-chunked body")
        return bytes(out)

    def _line(self) -> str | None:
        end = self._buf.find(b"\r\n")
        if end < 0:
            if len(self._buf) > MAX_LINE:
                raise AwsChunkedError("aws-chunked line too long")
            return None
        if end > MAX_LINE:
            raise AwsChunkedError("aws-chunked line too long")
        line = bytes(self._buf[:end])
        del self._buf[: end + 2]
        try:
            return line.decode("ascii")
        except UnicodeDecodeError as e:
            raise AwsChunkedError("non-ASCII aws-chunked framing") from e

    def _on_line(self, line: str) -> None:
        if self._state == "trailer":
            if line == "":
                self._state = "done"
                return
            name, sep, value = line.partition(":")
            if not sep or not name.strip():
                raise AwsChunkedError(f"malformed trailer {line[:80]!r}")
            self.trailers[name.strip().lower()] = value.strip()
            return
        size_text, _, extension = line.partition(";")
        size_text = size_text.strip()
        if (
            not size_text
            or len(size_text) > 16
            or any(c not in "0123456789abcdefABCDEF" for c in size_text)
        ):
            raise AwsChunkedError(f"malformed chunk size line {line[:80]!r}")
        if extension:
            key, _, value = extension.partition("=")
            if key.strip() != "chunk-signature":
                raise AwsChunkedError(f"unknown chunk extension {key[:40]!r}")
            self.chunk_signatures.append(value.strip())
        size = int(size_text, 16)
        if size == 0:
            self._state = "trailer"
        else:
            self._remaining = size
            self._state = "data"

    def finish(self) -> None:
        """Raise AwsChunkedError unless the body ended exactly at the end of its framing."""
        if self._state != "done":
            raise AwsChunkedError(f"aws-chunked body truncated (in {self._state})")


def decode_aws_chunked(body: bytes) -> tuple[bytes, dict[str, str]]:
    """(payload, trailers) of a whole aws-chunked body."""
    decoder = AwsChunkedDecoder()
    payload = decoder.feed(body)
    decoder.finish()
    return payload, decoder.trailers


def encode_aws_chunked(
    payload: bytes, trailers: Mapping[str, str] | None = None, chunk_size: int = 65536
) -> bytes:
    """The unsigned aws-chunked form of `payload`, as botocore writes it.

    STREAMING-UNSIGNED-PAYLOAD-TRAILER framing, `trailers` after the final zero-length chunk.
    """
    if chunk_size <= 0:
        raise ValueError("chunk_size must be positive")
    out = bytearray()
    for start in range(0, len(payload), chunk_size):
        chunk = payload[start : start + chunk_size]
        out += b"%x\r\n" % len(chunk) + chunk + b"\r\n"
    out += b"0\r\n"
    for name, value in (trailers or {}).items():
        out += f"{name}:{value}\r\n".encode("ascii")
    out += b"\r\n"
    return bytes(out)


_FRAMING_HEADERS = frozenset(
    {"x-amz-decoded-content-length", "x-amz-trailer", "x-amz-content-sha256"}
)


def plain_headers(headers: Pairs, trailers: Mapping[str, str]) -> Pairs:
    """Headers of the equivalent plain upload of an aws-chunked one.

    The framing headers go, aws-chunked leaves Content-Encoding, and the checksum trailers
    become headers (a plain PutObject/UploadPart with x-amz-checksum-* checks the same bytes).
    Signed chunks chain from the seed signature, which re-signing replaces, so the recorder and
    diff send them this way. https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html
    """
    kept: Pairs = []
    for key, value in headers:
        name = key.lower()
        if name == "content-encoding":
            rest = [v.strip() for v in value.split(",") if v.strip().lower() != "aws-chunked"]
            if rest:
                kept.append((key, ", ".join(rest)))
        elif name not in _FRAMING_HEADERS:
            kept.append((key, value))
    kept += [(k, v) for k, v in trailers.items() if k.lower().startswith("x-amz-checksum-")]
    return kept
