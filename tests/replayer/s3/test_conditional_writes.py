"""Conditional writes (https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.replayer.conftest import s3_client
from tests.replayer.s3.conftest import error_of

PRECONDITION = "At least one of the pre-conditions you specified did not hold"


def test_if_none_match_star(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"first", IfNoneMatch="*")
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="k", Body=b"second", IfNoneMatch="*")
    assert error_of(e) == ("PreconditionFailed", PRECONDITION, 412)
    assert e.value.response["Error"]["Condition"] == "If-None-Match"
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"first"


def test_if_match(s3: Any, bucket: str) -> None:
    etag = s3.put_object(Bucket=bucket, Key="k", Body=b"v1")["ETag"]
    etag2 = s3.put_object(Bucket=bucket, Key="k", Body=b"v2", IfMatch=etag)["ETag"]
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="k", Body=b"v3", IfMatch=etag)
    assert error_of(e) == ("PreconditionFailed", PRECONDITION, 412)
    assert e.value.response["Error"]["Condition"] == "If-Match"
    assert s3.get_object(Bucket=bucket, Key="k")["ETag"] == etag2


def test_if_match_on_missing_key_is_no_such_key(s3: Any, bucket: str) -> None:
    # conditional-writes.html: If-Match on a key with no current object fails with 404.
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="new", Body=b"x", IfMatch='"abc"')
    assert error_of(e) == ("NoSuchKey", "The specified key does not exist.", 404)


def test_copy_if_none_match(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="src", Body=b"x")
    s3.put_object(Bucket=bucket, Key="dst", Body=b"y")
    with pytest.raises(ClientError) as e:
        s3.copy_object(Bucket=bucket, Key="dst", CopySource=f"{bucket}/src", IfNoneMatch="*")
    assert error_of(e)[2] == 412


def test_complete_multipart_if_none_match(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"exists")
    up = s3.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
    etag = s3.upload_part(Bucket=bucket, Key="k", UploadId=up, PartNumber=1, Body=b"p")["ETag"]
    parts = {"Parts": [{"PartNumber": 1, "ETag": etag}]}
    with pytest.raises(ClientError) as e:
        s3.complete_multipart_upload(
            Bucket=bucket, Key="k", UploadId=up, MultipartUpload=parts, IfNoneMatch="*"
        )
    assert error_of(e) == ("PreconditionFailed", PRECONDITION, 412)
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"exists"


def test_32_racers_exactly_one_winner(url: str, bucket: str) -> None:
    n = 32
    clients = [s3_client(url) for _ in range(n)]
    barrier = Barrier(n)

    def race(i: int) -> int:
        barrier.wait()
        try:
            clients[i].put_object(
                Bucket=bucket, Key="race", Body=f"w{i}".encode() * 1000, IfNoneMatch="*"
            )
        except ClientError as e:
            return int(e.response["ResponseMetadata"]["HTTPStatusCode"])
        return i + 1000

    with ThreadPoolExecutor(n) as pool:
        results = list(pool.map(race, range(n)))
    winners = [r - 1000 for r in results if r >= 1000]
    assert len(winners) == 1
    assert sorted(r for r in results if r < 1000) == [412] * (n - 1)
    body = clients[0].get_object(Bucket=bucket, Key="race")["Body"].read()
    assert body == f"w{winners[0]}".encode() * 1000
