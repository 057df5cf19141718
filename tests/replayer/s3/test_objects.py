"""Object operations: Put/Get/Head/Delete, DeleteObjects, CopyObject, metadata and tagging."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.replayer.s3.conftest import error_of


def test_put_get_head_metadata(s3: Any, bucket: str) -> None:
    body = b"hello world"
    put = s3.put_object(
        Bucket=bucket,
        Key="dir/ключ",
        Body=body,
        ContentType="text/plain",
        ContentEncoding="identity",
        ContentDisposition='attachment; filename="a.txt"',
        CacheControl="max-age=60",
        ContentLanguage="en",
        Expires="Wed, 21 Oct 2026 07:28:00 GMT",
        Metadata={"Color": "blue", "n": "1"},
    )
    etag = f'"{hashlib.md5(body).hexdigest()}"'
    assert put["ETag"] == etag
    got = s3.get_object(Bucket=bucket, Key="dir/ключ")
    assert got["Body"].read() == body
    assert got["ETag"] == etag
    assert got["ContentLength"] == len(body)
    assert got["ContentType"] == "text/plain"
    assert got["ContentEncoding"] == "identity"
    assert got["ContentDisposition"] == 'attachment; filename="a.txt"'
    assert got["CacheControl"] == "max-age=60"
    assert got["ContentLanguage"] == "en"
    assert got["ExpiresString"] == "Wed, 21 Oct 2026 07:28:00 GMT"
    # S3 lower-cases user metadata names.
    assert got["Metadata"] == {"color": "blue", "n": "1"}
    assert got["ServerSideEncryption"] == "AES256"
    head = s3.head_object(Bucket=bucket, Key="dir/ключ")
    assert head["ContentLength"] == len(body)
    assert head["ETag"] == etag
    assert head["Metadata"] == {"color": "blue", "n": "1"}


def test_default_content_type_and_empty_object(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="empty", Body=b"")
    got = s3.get_object(Bucket=bucket, Key="empty")
    assert got["ContentType"] == "binary/octet-stream"
    assert got["Body"].read() == b""
    assert got["ETag"] == '"d41d8cd98f00b204e9800998ecf8427e"'


def test_response_overrides(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", ContentType="text/plain")
    got = s3.get_object(
        Bucket=bucket, Key="k", ResponseContentType="application/json", ResponseCacheControl="no"
    )
    assert got["ContentType"] == "application/json"
    assert got["CacheControl"] == "no"


def test_missing_key_and_bucket(s3: Any, bucket: str) -> None:
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="nope/x")
    assert error_of(e) == ("NoSuchKey", "The specified key does not exist.", 404)
    assert e.value.response["Error"]["Key"] == "nope/x"
    with pytest.raises(ClientError) as e:
        s3.head_object(Bucket=bucket, Key="nope")
    assert error_of(e)[2] == 404
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket="no-such-bucket", Key="k", Body=b"x")
    assert error_of(e) == ("NoSuchBucket", "The specified bucket does not exist", 404)
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket="no-such-bucket", Key="k")
    assert error_of(e)[0] == "NoSuchBucket"


def test_overwrite_and_delete(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"one")
    s3.put_object(Bucket=bucket, Key="k", Body=b"two")
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"two"
    assert s3.delete_object(Bucket=bucket, Key="k")["ResponseMetadata"]["HTTPStatusCode"] == 204
    # Deleting what is not there is still 204.
    assert s3.delete_object(Bucket=bucket, Key="k")["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(ClientError):
        s3.get_object(Bucket=bucket, Key="k")


def test_key_too_long(s3: Any, bucket: str) -> None:
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="k" * 1025, Body=b"x")
    assert error_of(e) == ("KeyTooLongError", "Your key is too long", 400)


def test_delete_objects_verbose_quiet_and_per_key_errors(s3: Any, bucket: str) -> None:
    for k in ("a", "b", "c", "d"):
        s3.put_object(Bucket=bucket, Key=k, Body=k.encode())
    out = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "a"}, {"Key": "missing"}]})
    assert sorted(d["Key"] for d in out["Deleted"]) == ["a", "missing"]
    assert "Errors" not in out
    out = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "b"}], "Quiet": True})
    assert "Deleted" not in out
    # A conditional delete whose ETag does not match is a per-key error; the rest proceed.
    out = s3.delete_objects(
        Bucket=bucket,
        Delete={"Objects": [{"Key": "c", "ETag": '"0000"'}, {"Key": "d"}], "Quiet": True},
    )
    assert out["Errors"] == [
        {
            "Key": "c",
            "Code": "PreconditionFailed",
            "Message": "At least one of the pre-conditions you specified did not hold",
        }
    ]
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
    assert keys == ["c"]


def test_copy_object_directives(s3: Any, bucket: str) -> None:
    s3.put_object(
        Bucket=bucket,
        Key="src",
        Body=b"data",
        ContentType="text/plain",
        Metadata={"a": "1"},
        Tagging="t=1",
    )
    out = s3.copy_object(Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": "src"})
    assert out["CopyObjectResult"]["ETag"] == f'"{hashlib.md5(b"data").hexdigest()}"'
    got = s3.get_object(Bucket=bucket, Key="dst")
    assert got["Body"].read() == b"data"
    assert (got["ContentType"], got["Metadata"], got["TagCount"]) == ("text/plain", {"a": "1"}, 1)
    s3.copy_object(
        Bucket=bucket,
        Key="dst2",
        CopySource=f"{bucket}/src",
        MetadataDirective="REPLACE",
        ContentType="application/x",
        Metadata={"b": "2"},
        TaggingDirective="REPLACE",
    )
    got = s3.get_object(Bucket=bucket, Key="dst2")
    assert (got["ContentType"], got["Metadata"]) == ("application/x", {"b": "2"})
    assert "TagCount" not in got
    # The source is untouched and independent of its copies.
    s3.delete_object(Bucket=bucket, Key="dst")
    assert s3.get_object(Bucket=bucket, Key="src")["Body"].read() == b"data"


def test_copy_to_itself_needs_a_change(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    with pytest.raises(ClientError) as e:
        s3.copy_object(Bucket=bucket, Key="k", CopySource={"Bucket": bucket, "Key": "k"})
    code, message, status = error_of(e)
    assert (code, status) == ("InvalidRequest", 400)
    assert message.startswith("This copy request is illegal because it is trying to copy an object")
    s3.copy_object(
        Bucket=bucket,
        Key="k",
        CopySource={"Bucket": bucket, "Key": "k"},
        MetadataDirective="REPLACE",
        Metadata={"x": "y"},
    )
    assert s3.head_object(Bucket=bucket, Key="k")["Metadata"] == {"x": "y"}


def test_copy_missing_source_and_conditions(s3: Any, bucket: str) -> None:
    with pytest.raises(ClientError) as e:
        s3.copy_object(Bucket=bucket, Key="d", CopySource={"Bucket": bucket, "Key": "none"})
    assert error_of(e) == ("NoSuchKey", "The specified key does not exist.", 404)
    etag = s3.put_object(Bucket=bucket, Key="s", Body=b"x")["ETag"]
    src = {"Bucket": bucket, "Key": "s"}
    with pytest.raises(ClientError) as e:
        s3.copy_object(Bucket=bucket, Key="d", CopySource=src, CopySourceIfMatch='"abc"')
    assert error_of(e) == (
        "PreconditionFailed",
        "At least one of the pre-conditions you specified did not hold",
        412,
    )
    # For copies, a matching If-None-Match is 412 too (there is no 304 for CopyObject).
    with pytest.raises(ClientError) as e:
        s3.copy_object(Bucket=bucket, Key="d", CopySource=src, CopySourceIfNoneMatch=etag)
    assert error_of(e)[2] == 412
    s3.copy_object(Bucket=bucket, Key="d", CopySource=src, CopySourceIfMatch=etag)
    assert s3.get_object(Bucket=bucket, Key="d")["Body"].read() == b"x"


def test_tagging(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", Tagging="a=1&b=two%20words")
    assert s3.get_object_tagging(Bucket=bucket, Key="k")["TagSet"] == [
        {"Key": "a", "Value": "1"},
        {"Key": "b", "Value": "two words"},
    ]
    s3.put_object_tagging(Bucket=bucket, Key="k", Tagging={"TagSet": [{"Key": "z", "Value": ""}]})
    assert s3.get_object_tagging(Bucket=bucket, Key="k")["TagSet"] == [{"Key": "z", "Value": ""}]
    assert s3.get_object(Bucket=bucket, Key="k")["TagCount"] == 1
    s3.delete_object_tagging(Bucket=bucket, Key="k")
    assert s3.get_object_tagging(Bucket=bucket, Key="k")["TagSet"] == []
    with pytest.raises(ClientError) as e:
        s3.get_object_tagging(Bucket=bucket, Key="missing")
    assert error_of(e)[0] == "NoSuchKey"
    too_many = [{"Key": f"k{i}", "Value": "v"} for i in range(11)]
    with pytest.raises(ClientError) as e:
        s3.put_object_tagging(Bucket=bucket, Key="k", Tagging={"TagSet": too_many})
    assert error_of(e) == ("BadRequest", "Object tags cannot be greater than 10", 400)
