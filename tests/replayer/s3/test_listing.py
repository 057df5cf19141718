"""ListObjects v1/v2: prefix, delimiter, paging, encoding and binary key order."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.replayer.conftest import s3_client
from tests.replayer.s3.conftest import error_of

KEYS = ["a/1", "a/2", "a/b/3", "b", "c/x", "c/y", "d"]


@pytest.fixture
def filled(s3: Any, bucket: str) -> str:
    for k in KEYS:
        s3.put_object(Bucket=bucket, Key=k, Body=k.encode())
    return bucket


def test_v2_plain(s3: Any, filled: str) -> None:
    out = s3.list_objects_v2(Bucket=filled)
    assert [o["Key"] for o in out["Contents"]] == KEYS
    assert (out["KeyCount"], out["IsTruncated"], out["MaxKeys"]) == (7, False, 1000)
    first = out["Contents"][0]
    assert first["Size"] == 3
    assert first["ETag"].startswith('"')
    assert "Owner" not in first


def test_v2_delimiter_and_prefix(s3: Any, filled: str) -> None:
    out = s3.list_objects_v2(Bucket=filled, Delimiter="/")
    assert [o["Key"] for o in out["Contents"]] == ["b", "d"]
    assert [p["Prefix"] for p in out["CommonPrefixes"]] == ["a/", "c/"]
    assert out["KeyCount"] == 4
    out = s3.list_objects_v2(Bucket=filled, Prefix="a/", Delimiter="/")
    assert [o["Key"] for o in out["Contents"]] == ["a/1", "a/2"]
    assert [p["Prefix"] for p in out["CommonPrefixes"]] == ["a/b/"]


def test_v2_paging_counts_prefixes(s3: Any, filled: str) -> None:
    seen: list[str] = []
    kwargs: dict[str, Any] = {"Bucket": filled, "Delimiter": "/", "MaxKeys": 1}
    while True:
        out = s3.list_objects_v2(**kwargs)
        assert out["KeyCount"] == 1
        seen += [o["Key"] for o in out.get("Contents", [])]
        seen += [p["Prefix"] for p in out.get("CommonPrefixes", [])]
        if not out["IsTruncated"]:
            assert "NextContinuationToken" not in out
            break
        kwargs["ContinuationToken"] = out["NextContinuationToken"]
    assert seen == ["a/", "b", "c/", "d"]


def test_v2_start_after_fetch_owner_and_max_keys_zero(s3: Any, filled: str) -> None:
    out = s3.list_objects_v2(Bucket=filled, StartAfter="b", FetchOwner=True)
    assert [o["Key"] for o in out["Contents"]] == ["c/x", "c/y", "d"]
    assert len(out["Contents"][0]["Owner"]["ID"]) == 64
    out = s3.list_objects_v2(Bucket=filled, MaxKeys=0)
    assert (out["KeyCount"], out["IsTruncated"], "Contents" in out) == (0, False, False)


def test_v2_bad_token(s3: Any, filled: str) -> None:
    with pytest.raises(ClientError) as e:
        s3.list_objects_v2(Bucket=filled, ContinuationToken="!!not-a-token")
    assert error_of(e) == ("InvalidArgument", "The continuation token provided is incorrect", 400)


def test_v1_marker_and_next_marker(s3: Any, filled: str) -> None:
    out = s3.list_objects(Bucket=filled, MaxKeys=2)
    assert [o["Key"] for o in out["Contents"]] == ["a/1", "a/2"]
    assert out["IsTruncated"] is True
    # NextMarker only comes with a delimiter (API_ListObjects.html).
    assert "NextMarker" not in out
    assert "Owner" in out["Contents"][0]
    out = s3.list_objects(Bucket=filled, Marker="a/2", Delimiter="/", MaxKeys=2)
    assert [o["Key"] for o in out["Contents"]] == ["b"]
    assert [p["Prefix"] for p in out["CommonPrefixes"]] == ["c/"]
    assert out["NextMarker"] == "c/"
    out = s3.list_objects(Bucket=filled, Marker="c/", Delimiter="/")
    assert [o["Key"] for o in out["Contents"]] == ["d"]
    assert out["IsTruncated"] is False


def test_missing_bucket(s3: Any) -> None:
    with pytest.raises(ClientError) as e:
        s3.list_objects_v2(Bucket="missing-bucket")
    assert error_of(e) == ("NoSuchBucket", "The specified bucket does not exist", 404)


def test_utf8_binary_order_and_url_encoding(s3: Any, bucket: str) -> None:
    keys = ["z", "é", "日本", "\U0001f600", "A", "a b+c", "ﬀ"]
    for k in keys:
        s3.put_object(Bucket=bucket, Key=k, Body=b"x")
    expected = sorted(keys, key=lambda k: k.encode("utf-8"))
    # botocore asks for encoding-type=url and decodes it back.
    out = s3.list_objects_v2(Bucket=bucket)
    assert out["EncodingType"] == "url"
    assert [o["Key"] for o in out["Contents"]] == expected
    assert [o["Key"] for o in s3.list_objects(Bucket=bucket)["Contents"]] == expected


def test_thousand_keys_paged(served: str) -> None:
    # The key index is the same for both backends; the directory backend fsyncs every PUT,
    # which would make 1,100 of them slow, so this runs on memory only.
    s3 = s3_client(served)
    bucket = "big"
    s3.create_bucket(Bucket=bucket)
    n = 1100
    for i in range(n):
        s3.put_object(Bucket=bucket, Key=f"k/{i:05d}", Body=b"")
    pages = list(
        s3.get_paginator("list_objects_v2").paginate(
            Bucket=bucket, PaginationConfig={"PageSize": 300}
        )
    )
    assert [p["KeyCount"] for p in pages] == [300, 300, 300, 200]
    keys = [o["Key"] for p in pages for o in p["Contents"]]
    assert keys == [f"k/{i:05d}" for i in range(n)]
    out = s3.list_objects_v2(Bucket=bucket)
    assert (out["KeyCount"], out["IsTruncated"]) == (1000, True)
