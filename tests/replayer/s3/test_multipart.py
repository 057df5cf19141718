"""Multipart uploads (https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from boto3.s3.transfer import TransferConfig
from botocore.exceptions import ClientError

from tests.replayer.s3.conftest import error_of

MIB = 1024 * 1024
P1 = b"a" * (5 * MIB)
P2 = b"b" * 1000


def _mpu_etag(*parts: bytes) -> str:
    digests = b"".join(hashlib.md5(p).digest() for p in parts)
    return f'"{hashlib.md5(digests).hexdigest()}-{len(parts)}"'


def _upload(
    s3: Any, bucket: str, key: str, parts: list[bytes], **create: Any
) -> tuple[str, list[dict[str, Any]]]:
    up = s3.create_multipart_upload(Bucket=bucket, Key=key, **create)["UploadId"]
    done = []
    for i, body in enumerate(parts, 1):
        extra = (
            {"ChecksumAlgorithm": create["ChecksumAlgorithm"]}
            if "ChecksumAlgorithm" in create
            else {}
        )
        out = s3.upload_part(Bucket=bucket, Key=key, UploadId=up, PartNumber=i, Body=body, **extra)
        done.append(
            {
                "PartNumber": i,
                "ETag": out["ETag"],
                **{k: v for k, v in out.items() if k.startswith("Checksum")},
            }
        )
    return up, done


def test_complete_etag_and_part_reads(s3: Any, bucket: str) -> None:
    up, parts = _upload(s3, bucket, "big", [P1, P2], ContentType="text/x", Metadata={"m": "1"})
    out = s3.complete_multipart_upload(
        Bucket=bucket, Key="big", UploadId=up, MultipartUpload={"Parts": parts}
    )
    assert out["ETag"] == _mpu_etag(P1, P2)
    head = s3.head_object(Bucket=bucket, Key="big")
    assert (head["ContentLength"], head["ContentType"], head["Metadata"]) == (
        len(P1) + len(P2),
        "text/x",
        {"m": "1"},
    )
    part2 = s3.get_object(Bucket=bucket, Key="big", PartNumber=2)
    assert part2["PartsCount"] == 2
    assert part2["ContentRange"] == f"bytes {len(P1)}-{len(P1) + len(P2) - 1}/{len(P1) + len(P2)}"
    assert part2["Body"].read() == P2
    assert (
        s3.get_object(Bucket=bucket, Key="big", Range="bytes=5242878-5242881")["Body"].read()
        == b"aabb"
    )
    with pytest.raises(ClientError) as e:
        s3.list_parts(Bucket=bucket, Key="big", UploadId=up)
    assert error_of(e)[0] == "NoSuchUpload"


def test_entity_too_small(s3: Any, bucket: str) -> None:
    up, parts = _upload(s3, bucket, "k", [b"small", b"last"])
    with pytest.raises(ClientError) as e:
        s3.complete_multipart_upload(
            Bucket=bucket, Key="k", UploadId=up, MultipartUpload={"Parts": parts}
        )
    assert error_of(e) == (
        "EntityTooSmall",
        "Your proposed upload is smaller than the minimum allowed object size.",
        400,
    )
    err = e.value.response["Error"]
    assert (err["ProposedSize"], err["MinSizeAllowed"], err["PartNumber"]) == ("5", "5242880", "1")


def test_invalid_part_and_order(s3: Any, bucket: str) -> None:
    up, parts = _upload(s3, bucket, "k", [b"x", b"y"])
    with pytest.raises(ClientError) as e:
        s3.complete_multipart_upload(
            Bucket=bucket,
            Key="k",
            UploadId=up,
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": '"deadbeef"'}]},
        )
    assert error_of(e) == (
        "InvalidPart",
        "One or more of the specified parts could not be found.  The part may not have been "
        "uploaded, or the specified entity tag may not match the part's entity tag.",
        400,
    )
    with pytest.raises(ClientError) as e:
        s3.complete_multipart_upload(
            Bucket=bucket, Key="k", UploadId=up, MultipartUpload={"Parts": list(reversed(parts))}
        )
    assert error_of(e) == (
        "InvalidPartOrder",
        "The list of parts was not in ascending order. The parts list must be specified in "
        "order by part number.",
        400,
    )


def test_no_such_upload_abort_and_listings(s3: Any, bucket: str) -> None:
    with pytest.raises(ClientError) as e:
        s3.upload_part(Bucket=bucket, Key="k", UploadId="nope", PartNumber=1, Body=b"x")
    assert error_of(e) == (
        "NoSuchUpload",
        "The specified upload does not exist. The upload ID may be invalid, or the upload may "
        "have been aborted or completed.",
        404,
    )
    up, _ = _upload(s3, bucket, "k", [b"x", b"yy"])
    up2 = s3.create_multipart_upload(Bucket=bucket, Key="j")["UploadId"]
    listed = s3.list_parts(Bucket=bucket, Key="k", UploadId=up)
    assert [(p["PartNumber"], p["Size"]) for p in listed["Parts"]] == [(1, 1), (2, 2)]
    page = s3.list_parts(Bucket=bucket, Key="k", UploadId=up, MaxParts=1)
    assert (page["IsTruncated"], page["NextPartNumberMarker"]) == (True, 1)
    uploads = s3.list_multipart_uploads(Bucket=bucket)["Uploads"]
    assert [(u["Key"], u["UploadId"]) for u in uploads] == [("j", up2), ("k", up)]
    s3.abort_multipart_upload(Bucket=bucket, Key="k", UploadId=up)
    assert [u["Key"] for u in s3.list_multipart_uploads(Bucket=bucket)["Uploads"]] == ["j"]
    with pytest.raises(ClientError) as e:
        s3.abort_multipart_upload(Bucket=bucket, Key="k", UploadId=up)
    assert error_of(e)[0] == "NoSuchUpload"


def test_bad_part_number(s3: Any, bucket: str) -> None:
    up = s3.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
    with pytest.raises(ClientError) as e:
        s3.upload_part(Bucket=bucket, Key="k", UploadId=up, PartNumber=10001, Body=b"x")
    assert error_of(e) == (
        "InvalidArgument",
        "Part number must be an integer between 1 and 10000, inclusive",
        400,
    )


def test_upload_part_copy_with_range(s3: Any, bucket: str) -> None:
    src = bytes(range(256)) * 100
    s3.put_object(Bucket=bucket, Key="src", Body=src)
    up = s3.create_multipart_upload(Bucket=bucket, Key="dst")["UploadId"]
    out = s3.upload_part_copy(
        Bucket=bucket,
        Key="dst",
        UploadId=up,
        PartNumber=1,
        CopySource={"Bucket": bucket, "Key": "src"},
        CopySourceRange="bytes=10-109",
    )
    assert out["CopyPartResult"]["ETag"] == f'"{hashlib.md5(src[10:110]).hexdigest()}"'
    with pytest.raises(ClientError) as e:
        s3.upload_part_copy(
            Bucket=bucket,
            Key="dst",
            UploadId=up,
            PartNumber=2,
            CopySource={"Bucket": bucket, "Key": "src"},
            CopySourceRange="bytes=0-999999",
        )
    assert error_of(e) == (
        "InvalidRequest",
        "Range specified is not valid for source object of size: 25600",
        400,
    )
    parts = [{"PartNumber": 1, "ETag": out["CopyPartResult"]["ETag"]}]
    s3.complete_multipart_upload(
        Bucket=bucket, Key="dst", UploadId=up, MultipartUpload={"Parts": parts}
    )
    assert s3.get_object(Bucket=bucket, Key="dst")["Body"].read() == src[10:110]


@pytest.mark.parametrize(
    ("algorithm", "ctype", "message"),
    [
        (
            "SHA256",
            "FULL_OBJECT",
            "The FULL_OBJECT checksum type cannot be used with the sha256 checksum algorithm.",
        ),
        (
            "CRC64NVME",
            "COMPOSITE",
            "The COMPOSITE checksum type cannot be used with the crc64nvme checksum algorithm.",
        ),
    ],
)
def test_checksum_type_combinations(
    s3: Any, bucket: str, algorithm: str, ctype: str, message: str
) -> None:
    with pytest.raises(ClientError) as e:
        s3.create_multipart_upload(
            Bucket=bucket, Key="k", ChecksumAlgorithm=algorithm, ChecksumType=ctype
        )
    assert error_of(e) == ("InvalidRequest", message, 400)


def test_checksum_type_needs_algorithm(s3: Any, bucket: str) -> None:
    with pytest.raises(ClientError) as e:
        s3.create_multipart_upload(Bucket=bucket, Key="k", ChecksumType="FULL_OBJECT")
    assert error_of(e) == (
        "InvalidRequest",
        "The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.",
        400,
    )


def test_composite_checksum(s3: Any, bucket: str) -> None:
    import base64

    up, parts = _upload(s3, bucket, "k", [P1, P2], ChecksumAlgorithm="SHA256")
    assert all("ChecksumSHA256" in p for p in parts)
    out = s3.complete_multipart_upload(
        Bucket=bucket, Key="k", UploadId=up, MultipartUpload={"Parts": parts}
    )
    joined = b"".join(base64.b64decode(p["ChecksumSHA256"]) for p in parts)
    expected = base64.b64encode(hashlib.sha256(joined).digest()).decode() + "-2"
    assert (out["ChecksumSHA256"], out["ChecksumType"]) == (expected, "COMPOSITE")
    head = s3.head_object(Bucket=bucket, Key="k", ChecksumMode="ENABLED")
    assert (head["ChecksumSHA256"], head["ChecksumType"]) == (expected, "COMPOSITE")


def test_full_object_crc32(s3: Any, bucket: str) -> None:
    from awscrt import checksums

    up, parts = _upload(
        s3, bucket, "k", [P1, P2], ChecksumAlgorithm="CRC32", ChecksumType="FULL_OBJECT"
    )
    out = s3.complete_multipart_upload(
        Bucket=bucket, Key="k", UploadId=up, MultipartUpload={"Parts": parts}
    )
    import base64

    crc = checksums.crc32(P1 + P2).to_bytes(4, "big")
    assert (out["ChecksumCRC32"], out["ChecksumType"]) == (
        base64.b64encode(crc).decode(),
        "FULL_OBJECT",
    )


def test_upload_file_transfer_manager(s3: Any, bucket: str, tmp_path: Path) -> None:
    data = hashlib.sha256(b"seed").digest() * (12 * MIB // 32 + 5)
    src = tmp_path / "in.bin"
    src.write_bytes(data)
    config = TransferConfig(
        multipart_threshold=5 * MIB, multipart_chunksize=5 * MIB, max_concurrency=4
    )
    s3.upload_file(str(src), bucket, "big.bin", Config=config)
    head = s3.head_object(Bucket=bucket, Key="big.bin")
    assert head["ContentLength"] == len(data)
    assert head["ETag"].endswith('-3"')
    dst = tmp_path / "out.bin"
    s3.download_file(bucket, "big.bin", str(dst), Config=config)
    assert dst.read_bytes() == data
