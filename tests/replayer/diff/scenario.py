"""Scripted boto3 traffic recorded from moto by the real recorder, for the diff engine's tests."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from recorder.launcher import Recorder
from recorder.settings import SPLIT_HEADER, RecorderSettings, UpstreamCredentials

REGION = "us-east-1"
CFG = Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1, "mode": "standard"})


def boto(service: str, url: str) -> Any:
    return boto3.client(
        service, endpoint_url=url, region_name=REGION, config=CFG,
        aws_access_key_id="testing", aws_secret_access_key="testing",
    )  # fmt: skip


def _to_cassette(service: str, url: str, cassette: str) -> Any:
    """A client whose requests the recorder files under `cassette` (its --split-by header)."""
    c = boto(service, url)

    def mark(request: Any, **_kw: Any) -> None:
        request.headers[SPLIT_HEADER] = cassette

    c.meta.events.register("before-send", mark)
    return c


def prepare_fixtures(moto: str) -> None:
    """What existed before the recording: W0 the diff engine must recreate."""
    s3 = boto("s3", moto)
    s3.create_bucket(Bucket="fixture-bkt")
    s3.put_object(Bucket="fixture-bkt", Key="seed.txt", Body=b"seeded", ContentType="text/plain")
    ddb = boto("dynamodb", moto)
    ddb.create_table(
        TableName="fixture-tbl",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    ddb.put_item(TableName="fixture-tbl", Item={"pk": {"S": "a"}, "v": {"N": "1"}})


def s3_traffic(url: str) -> None:
    s3 = _to_cassette("s3", url, "s3")
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
    ddb = _to_cassette("dynamodb", url, "dynamodb")
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


def record(moto: str, out: Path, *traffic: Callable[[str], None]) -> Path:
    """Drive `traffic` through the real recorder (a mitmdump child) in front of moto.

    Each traffic function files its requests under its own cassette name, so one recorder
    writes `out/s3.awsrec`, `out/dynamodb.awsrec`, ... (recorder settings: split_by="header").
    """
    work = out.parent / f"{out.name}-recorder"
    work.mkdir()
    settings = RecorderSettings(
        out=str(out), upstream=moto, upstream_identity=f"moto-server {moto}",
        upstream_credentials=UpstreamCredentials("testing", "testing"),
        split_by="header", confdir=str(work / "mitmproxy"),
    )  # fmt: skip
    recorder = Recorder(settings, work).start()
    try:
        for drive in traffic:
            drive(recorder.url)
    finally:
        recorder.stop()
    assert not recorder.errors, recorder.errors
    return out
