"""Scripted boto3 traffic recorded from moto into cassettes for the diff engine's tests."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from awsrec.cassette import CassetteHeader
from awsrec.cassette_io import CassetteWriter
from awsrec.normalize import Normaliser
from tests.replayer.diff.proxies import OP_HEADER, SERVICE_HEADER, proxy

REGION = "us-east-1"
CFG = Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1, "mode": "standard"})


def boto(service: str, url: str) -> object:
    return boto3.client(
        service, endpoint_url=url, region_name=REGION, config=CFG,
        aws_access_key_id="testing", aws_secret_access_key="testing",
    )  # fmt: skip


def _tagging_client(service: str, url: str):  # type: ignore[no-untyped-def]
    c = boto(service, url)

    def tag(request, operation_name, **_kw):  # type: ignore[no-untyped-def]
        request.headers[OP_HEADER] = operation_name
        request.headers[SERVICE_HEADER] = service

    c.meta.events.register("request-created", tag)  # type: ignore[attr-defined]
    return c


def prepare_fixtures(moto: str) -> None:
    """What existed before the recording: W0 the diff engine must recreate."""
    s3 = boto("s3", moto)
    s3.create_bucket(Bucket="fixture-bkt")  # type: ignore[attr-defined]
    s3.put_object(Bucket="fixture-bkt", Key="seed.txt", Body=b"seeded", ContentType="text/plain")  # type: ignore[attr-defined]
    ddb = boto("dynamodb", moto)
    ddb.create_table(  # type: ignore[attr-defined]
        TableName="fixture-tbl",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    ddb.put_item(TableName="fixture-tbl", Item={"pk": {"S": "a"}, "v": {"N": "1"}})  # type: ignore[attr-defined]


def s3_traffic(url: str) -> None:
    s3 = _tagging_client("s3", url)
    s3.get_object(Bucket="fixture-bkt", Key="seed.txt")
    s3.create_bucket(Bucket="work")
    s3.put_object(Bucket="work", Key="k1", Body=b"hello")
    s3.put_object(Bucket="work", Key="k2", Body=b"world")
    s3.get_object(Bucket="work", Key="k1")
    s3.head_object(Bucket="work", Key="k1")
    page = s3.list_objects_v2(Bucket="work", MaxKeys=1)
    s3.list_objects_v2(Bucket="work", MaxKeys=1, ContinuationToken=page["NextContinuationToken"])
    with contextlib.suppress(ClientError):
        s3.get_object(Bucket="work", Key="missing")
    upload = s3.create_multipart_upload(Bucket="work", Key="mp")
    part = s3.upload_part(Bucket="work", Key="mp", UploadId=upload["UploadId"], PartNumber=1,
                          Body=b"x" * 1024)  # fmt: skip
    s3.complete_multipart_upload(
        Bucket="work", Key="mp", UploadId=upload["UploadId"],
        MultipartUpload={"Parts": [{"ETag": part["ETag"], "PartNumber": 1}]},
    )  # fmt: skip
    s3.get_object(Bucket="work", Key="mp")
    s3.delete_object(Bucket="work", Key="k2")


def dynamodb_traffic(url: str) -> None:
    ddb = _tagging_client("dynamodb", url)
    ddb.describe_table(TableName="fixture-tbl")
    ddb.get_item(TableName="fixture-tbl", Key={"pk": {"S": "a"}})
    ddb.create_table(
        TableName="orders",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                   {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                              {"AttributeName": "sk", "AttributeType": "N"}],
        BillingMode="PAY_PER_REQUEST",
    )  # fmt: skip
    ddb.put_item(TableName="orders", Item={"pk": {"S": "u1"}, "sk": {"N": "1"},
                                           "tags": {"SS": ["a", "b", "c"]}})  # fmt: skip
    ddb.put_item(TableName="orders", Item={"pk": {"S": "u1"}, "sk": {"N": "2"}})
    ddb.get_item(TableName="orders", Key={"pk": {"S": "u1"}, "sk": {"N": "1"}})
    ddb.query(TableName="orders", KeyConditionExpression="pk = :p",
              ExpressionAttributeValues={":p": {"S": "u1"}})  # fmt: skip
    with contextlib.suppress(ClientError):
        ddb.get_item(TableName="nope", Key={"pk": {"S": "x"}})


def record(moto: str, path: Path, traffic: Callable[[str], None]) -> Path:
    """Drive `traffic` through a capturing proxy in front of moto into a normalised cassette."""
    with proxy(moto) as (url, state):
        traffic(url)
    header = CassetteHeader(
        awsrec_version="test", recorded_at=datetime.now(UTC).isoformat(),
        upstream=f"moto-server {moto}", region=REGION,
    )  # fmt: skip
    normaliser = Normaliser()
    interactions = [normaliser.normalise(i) for i in state.captured]
    header.placeholders = normaliser.table.to_dict()
    header.rule_sets = normaliser.rule_set_versions()
    writer = CassetteWriter(path, header)
    for interaction in interactions:
        writer.append(interaction)
    writer.close()
    return path
