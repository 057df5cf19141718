"""Endpoint mode routing: signed-chunk uploads are re-framed, re-signed and recorded decoded."""

from __future__ import annotations

import base64
import http.client
import socket
import zlib
from pathlib import Path

import pytest

from awsrec.cassette import load_cassette, uncompressed_bytes
from recorder.route import aws_endpoint
from tests.recorder.conftest import StartRecorder, client

FAKE_SIG = "f" * 64
CHUNK_SIG = "c" * 64


def _signed_chunked(payload: bytes, trailer: bool) -> tuple[dict[str, str], bytes]:
    """A STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER] upload as the Java SDK frames it.

    https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html
    The signatures are well-formed but fake: the recorder must not need to verify them.
    """
    crc = base64.b64encode(zlib.crc32(payload).to_bytes(4, "big")).decode()
    body = b"%x;chunk-signature=%s\r\n" % (len(payload), CHUNK_SIG.encode()) + payload + b"\r\n"
    body += b"0;chunk-signature=%s\r\n" % CHUNK_SIG.encode()
    sha = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
    headers = {"Content-Encoding": "aws-chunked"}
    if trailer:
        sha += "-TRAILER"
        headers["x-amz-trailer"] = "x-amz-checksum-crc32"
        body += f"x-amz-checksum-crc32:{crc}\r\nx-amz-trailer-signature:{CHUNK_SIG}\r\n".encode()
    body += b"\r\n"
    headers |= {
        "x-amz-content-sha256": sha,
        "x-amz-decoded-content-length": str(len(payload)),
        "x-amz-date": "20260101T000000Z",
        "Authorization": "AWS4-HMAC-SHA256 "
        "Credential=AKIDJAVASDKSTYLE0001/20260101/us-east-1/s3/aws4_request, "
        f"SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature={FAKE_SIG}",
    }
    return headers, body


@pytest.mark.parametrize("trailer", [False, True], ids=["signed", "signed-trailer"])
def test_signed_chunk_uploads_are_decoded_and_resigned(
    start_recorder: StartRecorder, moto: str, tmp_path: Path, trailer: bool
) -> None:
    recorder = start_recorder(out=str(tmp_path / "chunked.awsrec"))
    client("s3", moto).create_bucket(Bucket="chunks")
    payload = b"signed chunk payload " * 100
    headers, body = _signed_chunked(payload, trailer)
    conn = http.client.HTTPConnection("127.0.0.1", recorder.port, timeout=30)
    conn.request("PUT", "/chunks/obj", body=body, headers=headers)
    reply = conn.getresponse()
    assert (reply.status, reply.read()) == (200, b"")
    conn.close()
    recorder.stop()

    assert client("s3", moto).get_object(Bucket="chunks", Key="obj")["Body"].read() == payload
    cassette = load_cassette(tmp_path / "chunked.awsrec")
    (put,) = cassette.interactions
    assert (put.operation, put.request.body) == ("PutObject", payload)
    assert put.flags["aws_chunked"]["content_sha256"] == headers["x-amz-content-sha256"]
    raw = uncompressed_bytes(tmp_path / "chunked.awsrec")  # what the writer was given
    assert FAKE_SIG.encode() not in raw
    assert CHUNK_SIG.encode() not in raw


def test_aws_endpoint_is_the_regional_endpoint() -> None:
    # https://docs.aws.amazon.com/general/latest/gr/s3.html (path-style on the regional host)
    assert aws_endpoint("s3", "eu-west-1") == "https://s3.eu-west-1.amazonaws.com"
    assert aws_endpoint("dynamodb", "us-east-1") == "https://dynamodb.us-east-1.amazonaws.com"


def test_an_unreachable_upstream_gets_a_502_that_is_not_recorded(
    start_recorder: StartRecorder, moto: str, tmp_path: Path
) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}"
    out = tmp_path / "dead.awsrec"
    recorder = start_recorder(out=str(out), upstream=dead)
    conn = http.client.HTTPConnection("127.0.0.1", recorder.port, timeout=30)
    auth = (
        "AWS4-HMAC-SHA256 Credential=AKIDJAVASDKSTYLE0001/20260101/us-east-1/s3/aws4_request, "
        f"SignedHeaders=host;x-amz-date, Signature={FAKE_SIG}"
    )
    conn.request("GET", "/", headers={"Authorization": auth, "x-amz-date": "20260101T000000Z"})
    reply = conn.getresponse()
    body = reply.read()
    conn.close()
    recorder.stop()
    # The recorder's answer names the upstream; it is not AWS's, so nothing is recorded.
    assert reply.status == 502
    assert dead.removeprefix("http://").encode() in body
    assert not out.exists()
