"""Plug-in state models for server tests: real ServiceModel subclasses with known behaviour."""

from __future__ import annotations

import json
from typing import Any

from awsrec.aws.errors import AwsError
from replayer.state.base import ServeRequest, ServeResponse, ServiceModel, handles


class BoomS3(ServiceModel):
    """S3 where ListBuckets crashes, HeadBucket succeeds and GetBucketLocation is NoSuchBucket."""

    service = "s3"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.seeded: list[str] = []
        self.resets = 0

    def seed(self, interactions: Any) -> None:
        self.seeded = [i.operation for i in interactions]

    def reset(self) -> None:
        self.resets += 1

    def dump(self) -> dict[str, Any]:
        return {
            "seeded": self.seeded,
            "resets": self.resets,
            "state_dir": str(self.state_dir) if self.state_dir else None,
        }

    @handles("ListBuckets")
    async def list_buckets(self, request: ServeRequest) -> ServeResponse:
        raise RuntimeError("boom")

    @handles("HeadBucket")
    async def head_bucket(self, request: ServeRequest) -> ServeResponse:
        headers = [("x-amz-bucket-region", "us-east-1"), ("Content-Type", "application/xml")]
        return ServeResponse(200, headers, b"")

    @handles("GetBucketLocation")
    async def get_bucket_location(self, request: ServeRequest) -> ServeResponse:
        bucket = request.labels["Bucket"]
        if bucket == "here":
            body = (
                b'<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint '
                b'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></LocationConstraint>'
            )
            return ServeResponse(200, [("Content-Type", "application/xml")], body)
        raise AwsError(
            "NoSuchBucket", "The bucket you asked for is absent", 404, {"BucketName": bucket}
        )


class JsonDdb(ServiceModel):
    """DynamoDB whose DescribeLimits answers keys in alphabetical (not AWS's) order."""

    service = "dynamodb"

    @handles("DescribeLimits")
    async def describe_limits(self, request: ServeRequest) -> ServeResponse:
        doc = {
            "AccountMaxReadCapacityUnits": 80000,
            "AccountMaxWriteCapacityUnits": 80000,
            "TableMaxReadCapacityUnits": 40000,
            "TableMaxWriteCapacityUnits": 40000,
        }
        headers = [("x-amzn-RequestId", request.request_id)]
        headers.append(("Content-Type", "application/x-amz-json-1.0"))
        return ServeResponse(200, headers, json.dumps(doc).encode())

    @handles("DescribeTable")
    async def describe_table(self, request: ServeRequest) -> ServeResponse:
        name = json.loads(await request.body.read())["TableName"]
        raise AwsError("ResourceNotFoundException", f"Requested resource not found: {name}")
