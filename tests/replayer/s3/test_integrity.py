"""Integrity: Content-MD5, flexible checksums, checksum mode, aws-chunked bodies.

https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html
"""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any

import pytest
from awscrt import checksums
from botocore.exceptions import ClientError

from awsrec.aws.chunked import encode_aws_chunked
from tests.replayer.conftest import raw, signed_for
from tests.replayer.s3.conftest import error_of


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _crc32(data: bytes) -> str:
    return _b64(checksums.crc32(data).to_bytes(4, "big"))


def test_content_md5(s3: Any, bucket: str) -> None:
    body = b"payload"
    s3.put_object(Bucket=bucket, Key="ok", Body=body, ContentMD5=_b64(hashlib.md5(body).digest()))
    wrong = _b64(hashlib.md5(b"other").digest())
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="bad", Body=body, ContentMD5=wrong)
    assert error_of(e) == (
        "BadDigest",
        "The Content-MD5 you specified did not match what we received.",
        400,
    )
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="bad", Body=body, ContentMD5="not-base64!")
    assert error_of(e) == ("InvalidDigest", "The Content-MD5 you specified was invalid.", 400)
    with pytest.raises(ClientError):
        s3.head_object(Bucket=bucket, Key="bad")


@pytest.mark.parametrize("algorithm", ["CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"])
def test_checksums_validated_stored_and_returned(s3: Any, bucket: str, algorithm: str) -> None:
    body = b"checksummed body"
    put = s3.put_object(Bucket=bucket, Key="k", Body=body, ChecksumAlgorithm=algorithm)
    value = put[f"Checksum{algorithm}"]
    head = s3.head_object(Bucket=bucket, Key="k", ChecksumMode="ENABLED")
    assert (head[f"Checksum{algorithm}"], head["ChecksumType"]) == (value, "FULL_OBJECT")
    got = s3.get_object(Bucket=bucket, Key="k", ChecksumMode="ENABLED")
    assert got[f"Checksum{algorithm}"] == value
    assert got["Body"].read() == body
    # Without checksum mode, no checksum header.
    assert f"Checksum{algorithm}" not in s3.head_object(Bucket=bucket, Key="k")


def test_checksum_mismatch_is_bad_digest(s3: Any, bucket: str) -> None:
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="k", Body=b"abc", ChecksumCRC32=_crc32(b"xyz"))
    assert error_of(e) == (
        "BadDigest",
        "The CRC32 you specified did not match the calculated checksum.",
        400,
    )


def test_default_crc64nvme(s3: Any, bucket: str, url: str) -> None:
    # S3 attaches CRC64NVME to objects uploaded without a checksum (default integrity).
    status, _, _ = raw(url, "PUT", f"/{bucket}/plain", {**signed_for("s3")}, b"no checksum")
    assert status == 200
    head = s3.head_object(Bucket=bucket, Key="plain", ChecksumMode="ENABLED")
    expected = _b64(checksums.crc64nvme(b"no checksum").to_bytes(8, "big"))
    assert head["ChecksumCRC64NVME"] == expected


def test_part_checksum_must_match_upload_algorithm(s3: Any, bucket: str) -> None:
    up = s3.create_multipart_upload(Bucket=bucket, Key="k", ChecksumAlgorithm="SHA256")
    with pytest.raises(ClientError) as e:
        s3.upload_part(
            Bucket=bucket,
            Key="k",
            UploadId=up["UploadId"],
            PartNumber=1,
            Body=b"x",
            ChecksumAlgorithm="CRC32",
        )
    assert error_of(e) == (
        "InvalidRequest",
        "Checksum Type mismatch occurred, expected checksum Type: sha256, "
        "actual checksum Type: crc32",
        400,
    )


def _chunked_headers(payload: bytes, sha: str, trailer: str | None = None) -> dict[str, str]:
    headers = {
        **signed_for("s3"),
        "Content-Encoding": "aws-chunked",
        "x-amz-content-sha256": sha,
        "x-amz-decoded-content-length": str(len(payload)),
    }
    if trailer:
        headers["x-amz-trailer"] = trailer
        headers["x-amz-sdk-checksum-algorithm"] = "CRC32"
    return headers


def test_aws_chunked_unsigned_trailer(s3: Any, bucket: str, url: str) -> None:
    # boto3's default upload form over HTTPS: STREAMING-UNSIGNED-PAYLOAD-TRAILER with a CRC32.
    payload = b"0123456789" * 7000
    body = encode_aws_chunked(payload, {"x-amz-checksum-crc32": _crc32(payload)}, chunk_size=8192)
    headers = _chunked_headers(
        payload, "STREAMING-UNSIGNED-PAYLOAD-TRAILER", "x-amz-checksum-crc32"
    )
    status, rheaders, _ = raw(url, "PUT", f"/{bucket}/chunked", headers, body)
    assert status == 200
    assert (
        dict((k.lower(), v) for k, v in rheaders)["etag"] == f'"{hashlib.md5(payload).hexdigest()}"'
    )
    got = s3.get_object(Bucket=bucket, Key="chunked", ChecksumMode="ENABLED")
    assert got["Body"].read() == payload
    assert got["ChecksumCRC32"] == _crc32(payload)
    # Content-Encoding aws-chunked is framing, not the object's encoding.
    assert "ContentEncoding" not in got


def test_aws_chunked_bad_trailer(bucket: str, url: str) -> None:
    payload = b"abc" * 100
    body = encode_aws_chunked(payload, {"x-amz-checksum-crc32": _crc32(b"other")})
    headers = _chunked_headers(
        payload, "STREAMING-UNSIGNED-PAYLOAD-TRAILER", "x-amz-checksum-crc32"
    )
    status, _, rbody = raw(url, "PUT", f"/{bucket}/bad", headers, body)
    assert status == 400
    assert b"<Code>BadDigest</Code>" in rbody
    assert b"The CRC32 you specified did not match the calculated checksum." in rbody


def test_aws_chunked_signed_chunks(s3: Any, bucket: str, url: str) -> None:
    payload = b"signed-chunk-data" * 500
    sig = "0" * 64
    chunks = [payload[i : i + 4096] for i in range(0, len(payload), 4096)]
    body = b"".join(b"%x;chunk-signature=%s\r\n%s\r\n" % (len(c), sig.encode(), c) for c in chunks)
    body += b"0;chunk-signature=%s\r\n\r\n" % sig.encode()
    headers = _chunked_headers(payload, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD")
    status, _, _ = raw(url, "PUT", f"/{bucket}/signed", headers, body)
    assert status == 200
    assert s3.get_object(Bucket=bucket, Key="signed")["Body"].read() == payload


def test_truncated_aws_chunked_is_incomplete_body(bucket: str, url: str) -> None:
    payload = b"x" * 100
    body = b"64\r\n" + payload[:50]
    headers = _chunked_headers(payload, "STREAMING-UNSIGNED-PAYLOAD-TRAILER")
    status, _, rbody = raw(url, "PUT", f"/{bucket}/cut", headers, body)
    assert status == 400
    assert re.search(rb"<Code>IncompleteBody</Code>", rbody)
