"""Reads: byte ranges, partNumber reads and conditional GET/HEAD with S3's precedence."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.replayer.s3.conftest import error_of

BODY = bytes(range(256)) * 4  # 1,024 bytes
PAST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
FUTURE = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)


@pytest.fixture
def obj(s3: Any, bucket: str) -> str:
    return str(s3.put_object(Bucket=bucket, Key="obj", Body=BODY)["ETag"])


@pytest.mark.parametrize(
    ("spec", "start", "end"),
    [
        ("bytes=0-9", 0, 10),
        ("bytes=1000-", 1000, 1024),
        ("bytes=-24", 1000, 1024),
        ("bytes=1000-5000", 1000, 1024),
        ("bytes=-5000", 0, 1024),
    ],
)
def test_ranges(s3: Any, bucket: str, obj: str, spec: str, start: int, end: int) -> None:
    got = s3.get_object(Bucket=bucket, Key="obj", Range=spec)
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert got["ContentRange"] == f"bytes {start}-{end - 1}/1024"
    assert got["ContentLength"] == end - start
    assert got["Body"].read() == BODY[start:end]


def test_unsatisfiable_range(s3: Any, bucket: str, obj: str) -> None:
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="obj", Range="bytes=1024-")
    assert error_of(e) == ("InvalidRange", "The requested range is not satisfiable", 416)
    err = e.value.response["Error"]
    assert (err["RangeRequested"], err["ActualObjectSize"]) == ("bytes=1024-", "1024")


def test_unparseable_range_is_ignored(s3: Any, bucket: str, obj: str) -> None:
    got = s3.get_object(Bucket=bucket, Key="obj", Range="bytes=9-3")
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert got["Body"].read() == BODY


def test_head_range(s3: Any, bucket: str, obj: str) -> None:
    head = s3.head_object(Bucket=bucket, Key="obj", Range="bytes=0-99")
    assert head["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert head["ContentLength"] == 100


def test_part_number_on_single_part_object(s3: Any, bucket: str, obj: str) -> None:
    got = s3.get_object(Bucket=bucket, Key="obj", PartNumber=1)
    assert got["Body"].read() == BODY
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="obj", PartNumber=2)
    assert error_of(e) == ("InvalidPartNumber", "The requested partnumber is not satisfiable", 416)


def test_if_match_and_if_none_match(s3: Any, bucket: str, obj: str) -> None:
    assert s3.get_object(Bucket=bucket, Key="obj", IfMatch=obj)["Body"].read() == BODY
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="obj", IfMatch='"nope"')
    assert error_of(e) == (
        "PreconditionFailed",
        "At least one of the pre-conditions you specified did not hold",
        412,
    )
    assert e.value.response["Error"]["Condition"] == "If-Match"
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="obj", IfNoneMatch=obj)
    # 304 has no body; botocore reports the status as the code.
    assert (e.value.response["Error"]["Code"], error_of(e)[2]) == ("304", 304)
    with pytest.raises(ClientError) as e:
        s3.head_object(Bucket=bucket, Key="obj", IfNoneMatch=obj)
    assert error_of(e)[2] == 304
    with pytest.raises(ClientError) as e:
        s3.head_object(Bucket=bucket, Key="obj", IfMatch='"nope"')
    assert error_of(e)[2] == 412


def test_dates(s3: Any, bucket: str, obj: str) -> None:
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="obj", IfModifiedSince=FUTURE)
    assert error_of(e)[2] == 304
    assert s3.get_object(Bucket=bucket, Key="obj", IfModifiedSince=PAST)["Body"].read() == BODY
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="obj", IfUnmodifiedSince=PAST)
    assert error_of(e)[2] == 412
    assert e.value.response["Error"]["Condition"] == "If-Unmodified-Since"


def test_precedence(s3: Any, bucket: str, obj: str) -> None:
    # API_GetObject.html: If-Match true + If-Unmodified-Since false -> 200;
    # If-None-Match false + If-Modified-Since true -> 304.
    got = s3.get_object(Bucket=bucket, Key="obj", IfMatch=obj, IfUnmodifiedSince=PAST)
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 200
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="obj", IfNoneMatch=obj, IfModifiedSince=PAST)
    assert error_of(e)[2] == 304
    # If-None-Match true makes If-Modified-Since irrelevant.
    got = s3.get_object(Bucket=bucket, Key="obj", IfNoneMatch='"other"', IfModifiedSince=FUTURE)
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 200
    # 412 wins over 304.
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="obj", IfMatch='"x"', IfNoneMatch=obj)
    assert error_of(e)[2] == 412
