"""aws-chunked decoding: round trips, signed framing, truncation and malformed input."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from awsrec.aws.chunked import (
    AwsChunkedDecoder,
    AwsChunkedError,
    decode_aws_chunked,
    encode_aws_chunked,
    is_aws_chunked,
)
from awsrec.errors import AwsrecError

TRAILERS = {"x-amz-checksum-crc32": "DUoRhQ=="}


def test_round_trip_with_trailers() -> None:
    payload = bytes(range(256)) * 1000
    body = encode_aws_chunked(payload, TRAILERS, chunk_size=8192)
    assert body.endswith(b"0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n")
    assert decode_aws_chunked(body) == (payload, TRAILERS)


@given(st.binary(max_size=3000), st.integers(1, 700), st.integers(1, 97))
def test_round_trip_fed_in_pieces(payload: bytes, chunk_size: int, piece: int) -> None:
    body = encode_aws_chunked(payload, TRAILERS, chunk_size=chunk_size)
    decoder = AwsChunkedDecoder()
    out = b"".join(decoder.feed(body[i : i + piece]) for i in range(0, len(body), piece))
    decoder.finish()
    assert out == payload
    assert decoder.trailers == TRAILERS
    assert decoder.decoded_length == len(payload)


def test_signed_chunks_and_trailer_signature() -> None:
    sig = "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648"
    body = (
        f"5;chunk-signature={sig}\r\nhello\r\n"
        f"0;chunk-signature={sig}\r\n"
        "x-amz-checksum-crc32:NhCmhg==\r\nx-amz-trailer-signature:abc\r\n\r\n"
    ).encode()
    decoder = AwsChunkedDecoder()
    assert decoder.feed(body) == b"hello"
    decoder.finish()
    assert decoder.chunk_signatures == [sig, sig]
    assert decoder.trailers == {
        "x-amz-checksum-crc32": "NhCmhg==",
        "x-amz-trailer-signature": "abc",
    }


def test_no_trailers() -> None:
    assert decode_aws_chunked(b"3\r\nabc\r\n0\r\n\r\n") == (b"abc", {})


@pytest.mark.parametrize(
    "body",
    [
        b"5\r\nhel",  # truncated in data
        b"5\r\nhello\r\n",  # no final chunk
        b"5\r\nhello\r\n0\r\n",  # no end of trailers
        b"5\r\nhello\r\n0\r\nx-amz-checksum-crc32:AAAA\r\n",  # truncated trailers
        b"",
    ],
)
def test_truncated_bodies_fail_at_finish(body: bytes) -> None:
    decoder = AwsChunkedDecoder()
    decoder.feed(body)
    with pytest.raises(AwsChunkedError):
        decoder.finish()


@pytest.mark.parametrize(
    "body",
    [
        b"zz\r\nhello\r\n0\r\n\r\n",  # non-hex size
        b"5\r\nhelloXX0\r\n\r\n",  # data not followed by CRLF
        b"5;foo=bar\r\nhello\r\n0\r\n\r\n",  # unknown extension
        b"3\r\nabc\r\n0\r\nno-colon\r\n\r\n",  # malformed trailer
        b"3\r\nabc\r\n0\r\n\r\nextra",  # bytes after the end
        b"1" * 20 + b"\r\n",  # absurd size line
        b"f" * 10000,  # unterminated line: refused rather than buffered
    ],
)
def test_malformed_bodies_fail(body: bytes) -> None:
    with pytest.raises(AwsChunkedError) as info:
        AwsChunkedDecoder().feed(body)
    assert isinstance(info.value, AwsrecError)
    assert isinstance(info.value, ValueError)


def test_huge_declared_size_is_not_allocated() -> None:
    decoder = AwsChunkedDecoder()
    assert decoder.feed(b"ffffffffffff\r\nabc") == b"abc"  # streamed, not preallocated
    with pytest.raises(AwsChunkedError):
        decoder.finish()


def test_is_aws_chunked() -> None:
    assert is_aws_chunked([("Content-Encoding", "gzip, aws-chunked")])
    assert is_aws_chunked([("X-Amz-Content-Sha256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER")])
    assert not is_aws_chunked([("x-amz-content-sha256", "UNSIGNED-PAYLOAD")])
