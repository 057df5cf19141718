"""Create a planned world W0 on a target, and remove everything a run created, through boto3."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Protocol, cast

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from replayer.diff.isolate import Isolation
from replayer.diff.model import Target
from replayer.diff.world import WorldPlan


class _Client(Protocol):
    """A boto3 client as used here: operations by attribute, answers as dicts."""

    def __getattr__(self, name: str) -> Callable[..., dict[str, object]]: ...


_CONFIG = Config(
    s3={"addressing_style": "path"},
    retries={"max_attempts": 2, "mode": "standard"},
    connect_timeout=10,
    read_timeout=30,
)


# botocore's session and loaders are not safe to create from several threads at once (--jobs).
_CREATE_LOCK = threading.Lock()


def client(target: Target, service: str, region: str) -> _Client:
    """A boto3 client for `service` on `target` with the target's credentials."""
    with _CREATE_LOCK:
        return _client(target, service, region)


def _client(target: Target, service: str, region: str) -> _Client:
    session = boto3.session.Session(
        aws_access_key_id=target.access_key,
        aws_secret_access_key=target.secret_key,
        aws_session_token=target.session_token,
        region_name=region,
    )
    made = session.client(service, endpoint_url=target.url, config=_CONFIG)  # type: ignore[call-overload]
    return cast(_Client, made)


def _call(
    warnings: list[str], what: str, fn: Callable[..., dict[str, object]], **kwargs: object
) -> dict[str, object] | None:
    try:
        return fn(**kwargs)
    except (ClientError, BotoCoreError) as e:
        warnings.append(f"{what}: {e}")
        return None


def _table_params(name: str, described: dict[str, object]) -> dict[str, object] | None:
    if "KeySchema" not in described:
        return None
    params: dict[str, object] = {
        "TableName": name,
        "KeySchema": described["KeySchema"],
        "AttributeDefinitions": described["AttributeDefinitions"],
        "BillingMode": "PAY_PER_REQUEST",
    }
    for field in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
        indexes = described.get(field)
        if isinstance(indexes, list) and indexes:
            keep = ("IndexName", "KeySchema", "Projection")
            params[field] = [{k: ix[k] for k in keep if k in ix} for ix in indexes]
    return params


def seed_world(
    plan: WorldPlan, iso: Isolation, target: Target, region: str, warnings: list[str]
) -> None:
    """Create W0 on the target under isolated names; what cannot be created becomes a warning."""
    if plan.buckets or plan.objects:
        s3 = client(target, "s3", region)
        for bucket in plan.buckets:
            params: dict[str, object] = {"Bucket": iso.isolated("s3", bucket)}
            if region != "us-east-1":
                # https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html
                params["CreateBucketConfiguration"] = {"LocationConstraint": region}
            _call(warnings, f"seed bucket {bucket}", s3.create_bucket, **params)
        for obj in plan.objects.values():
            if not obj.exact:
                warnings.append(f"seed object {obj.bucket}/{obj.key}: content not recorded")
            put: dict[str, object] = {
                "Bucket": iso.isolated("s3", obj.bucket), "Key": obj.key, "Body": obj.body,
                "Metadata": obj.metadata,
            }  # fmt: skip
            if obj.content_type:
                put["ContentType"] = obj.content_type
            _call(warnings, f"seed object {obj.bucket}/{obj.key}", s3.put_object, **put)
    if plan.tables or plan.items:
        _seed_tables(plan, iso, target, region, warnings)
    for name in plan.functions:
        warnings.append(f"seed function {name}: code is not recorded; not created")


def _seed_tables(
    plan: WorldPlan, iso: Isolation, target: Target, region: str, warnings: list[str]
) -> None:
    ddb = client(target, "dynamodb", region)
    for name, described in plan.tables.items():
        params = _table_params(iso.isolated("dynamodb", name), described)
        if params is None:
            warnings.append(
                f"seed table {name}: no DescribeTable/CreateTable recorded; not created"
            )
            continue
        _call(warnings, f"seed table {name}", ddb.create_table, **params)
        _wait_active(ddb, str(params["TableName"]))
    for table, item in plan.items:
        name = iso.isolated("dynamodb", table)
        _call(warnings, f"seed item in {table}", ddb.put_item, TableName=name, Item=item)


def _wait_active(ddb: _Client, name: str, polls: int = 100) -> None:
    for _ in range(polls):
        try:
            table = ddb.describe_table(TableName=name)["Table"]
            status = table.get("TableStatus") if isinstance(table, dict) else None
        except (ClientError, BotoCoreError):
            return
        if status in (None, "ACTIVE"):
            return
        time.sleep(0.1)


def cleanup(iso: Isolation, target: Target, region: str, warnings: list[str]) -> None:
    """Delete every isolated bucket (with its objects and uploads), table and function."""
    if buckets := iso.of("s3"):
        s3 = client(target, "s3", region)
        for bucket in buckets:
            _empty_bucket(s3, bucket)
            _ignore_missing(warnings, f"delete bucket {bucket}", s3.delete_bucket, Bucket=bucket)
    if tables := iso.of("dynamodb"):
        ddb = client(target, "dynamodb", region)
        for table in tables:
            _ignore_missing(warnings, f"delete table {table}", ddb.delete_table, TableName=table)
    if functions := iso.of("lambda"):
        lam = client(target, "lambda", region)
        for fn in functions:
            _ignore_missing(warnings, f"delete function {fn}", lam.delete_function, FunctionName=fn)


_MISSING = ("NoSuchBucket", "ResourceNotFoundException", "404", "NotFound", "NoSuchUpload")


def _ignore_missing(
    warnings: list[str], what: str, fn: Callable[..., dict[str, object]], **kwargs: object
) -> None:
    try:
        fn(**kwargs)
    except ClientError as e:
        if e.response.get("Error", {}).get("Code") not in _MISSING:
            warnings.append(f"cleanup: {what}: {e}")
    except BotoCoreError as e:
        warnings.append(f"cleanup: {what}: {e}")


def _empty_bucket(s3: _Client, bucket: str) -> None:
    try:
        versions = s3.list_object_versions(Bucket=bucket)
        uploads = s3.list_multipart_uploads(Bucket=bucket)
    except (ClientError, BotoCoreError):
        return
    entries = cast(list[dict[str, str]], versions.get("Versions", []))
    entries += cast(list[dict[str, str]], versions.get("DeleteMarkers", []))
    for entry in entries:
        _ignore_missing(
            [], "delete object", s3.delete_object,
            Bucket=bucket, Key=entry["Key"], VersionId=entry["VersionId"],
        )  # fmt: skip
    for upload in cast(list[dict[str, str]], uploads.get("Uploads", [])):
        _ignore_missing(
            [], "abort upload", s3.abort_multipart_upload,
            Bucket=bucket, Key=upload["Key"], UploadId=upload["UploadId"],
        )  # fmt: skip
