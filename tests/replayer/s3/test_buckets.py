"""Bucket operations against the real server, checked against the S3 API reference."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.replayer.conftest import s3_client
from tests.replayer.s3.conftest import error_of


def test_create_head_list_location_delete(s3: Any) -> None:
    s3.create_bucket(Bucket="one")
    s3.create_bucket(Bucket="two", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    head = s3.head_bucket(Bucket="two")
    assert head["ResponseMetadata"]["HTTPHeaders"]["x-amz-bucket-region"] == "eu-west-1"
    names = [b["Name"] for b in s3.list_buckets()["Buckets"]]
    assert names == ["one", "two"]
    # us-east-1 is reported as no LocationConstraint at all (API_GetBucketLocation.html).
    assert s3.get_bucket_location(Bucket="one").get("LocationConstraint") is None
    assert s3.get_bucket_location(Bucket="two")["LocationConstraint"] == "eu-west-1"
    s3.delete_bucket(Bucket="one")
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["two"]


def test_recreate_owned_bucket_in_us_east_1_is_ok_elsewhere_409(s3: Any) -> None:
    # API_CreateBucket.html / ErrorResponses: BucketAlreadyOwnedByYou, except us-east-1 legacy 200.
    s3.create_bucket(Bucket="mine")
    s3.create_bucket(Bucket="mine")
    s3.create_bucket(Bucket="eu-bkt", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    with pytest.raises(ClientError) as e:
        s3.create_bucket(
            Bucket="eu-bkt", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
        )
    assert error_of(e) == (
        "BucketAlreadyOwnedByYou",
        "Your previous request to create the named bucket succeeded and you already own it.",
        409,
    )
    assert e.value.response["Error"]["BucketName"] == "eu-bkt"


@pytest.mark.parametrize(
    "name", ["ab", "UPPER", "a..b", "-start", "192.168.1.1", "xn--bucket", "x" * 64, "a_b"]
)
def test_invalid_bucket_name(url: str, name: str) -> None:
    # Names that botocore itself would refuse are sent raw through the client's validation.
    s3 = s3_client(url)
    s3.meta.events.unregister("before-parameter-build.s3", _validate_bucket_name(s3))
    with pytest.raises(ClientError) as e:
        s3.create_bucket(Bucket=name)
    assert error_of(e) == ("InvalidBucketName", "The specified bucket is not valid.", 400)


def _validate_bucket_name(s3: Any) -> Any:
    from botocore.handlers import validate_bucket_name

    return validate_bucket_name


def test_location_constraint_us_east_1_is_invalid(s3: Any) -> None:
    with pytest.raises(ClientError) as e:
        s3.create_bucket(
            Bucket="bkt1", CreateBucketConfiguration={"LocationConstraint": "us-east-1"}
        )
    assert error_of(e) == (
        "InvalidLocationConstraint",
        "The specified location-constraint is not valid",
        400,
    )


def test_unknown_location_constraint_is_invalid(s3: Any) -> None:
    with pytest.raises(ClientError) as e:
        s3.create_bucket(Bucket="bkt1", CreateBucketConfiguration={"LocationConstraint": "mars-1"})
    assert error_of(e)[0] == "InvalidLocationConstraint"


def test_regional_endpoint_needs_its_own_region(url: str) -> None:
    import boto3
    from botocore.config import Config

    eu = boto3.client(
        "s3",
        endpoint_url=url,
        region_name="eu-west-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
    )
    with pytest.raises(ClientError) as e:
        eu.create_bucket(
            Bucket="bkt1", CreateBucketConfiguration={"LocationConstraint": "eu-west-2"}
        )
    assert error_of(e) == (
        "IllegalLocationConstraintException",
        "The eu-west-2 location constraint is incompatible for the region specific endpoint "
        "this request was sent to.",
        400,
    )
    with pytest.raises(ClientError) as e:
        eu.create_bucket(Bucket="bkt1")
    assert "unspecified location constraint" in error_of(e)[1]
    eu.create_bucket(Bucket="bkt1", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    assert eu.get_bucket_location(Bucket="bkt1")["LocationConstraint"] == "eu-west-1"


def test_delete_non_empty_and_missing(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    with pytest.raises(ClientError) as e:
        s3.delete_bucket(Bucket=bucket)
    assert error_of(e) == ("BucketNotEmpty", "The bucket you tried to delete is not empty", 409)
    assert e.value.response["Error"]["BucketName"] == bucket
    s3.delete_object(Bucket=bucket, Key="k")
    s3.delete_bucket(Bucket=bucket)
    with pytest.raises(ClientError) as e:
        s3.delete_bucket(Bucket=bucket)
    assert error_of(e) == ("NoSuchBucket", "The specified bucket does not exist", 404)
    assert e.value.response["Error"]["BucketName"] == bucket


def test_head_missing_bucket_is_bare_404(s3: Any) -> None:
    with pytest.raises(ClientError) as e:
        s3.head_bucket(Bucket="nope")
    assert error_of(e)[2] == 404


def test_virtual_hosted_addressing(url: str) -> None:
    s3 = s3_client(url, addressing="virtual")
    s3.create_bucket(Bucket="virt")
    s3.put_object(Bucket="virt", Key="dir/k", Body=b"v")
    assert s3.get_object(Bucket="virt", Key="dir/k")["Body"].read() == b"v"
    assert s3_client(url).get_object(Bucket="virt", Key="dir/k")["Body"].read() == b"v"
