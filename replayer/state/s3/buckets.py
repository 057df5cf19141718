"""Buckets: naming and location rules, and each bucket's key index in binary key order."""

from __future__ import annotations

import bisect
import ipaddress
import re

from replayer.state.s3 import errors
from replayer.state.s3.objects import S3Object

# https://docs.aws.amazon.com/general/latest/gr/s3.html (regions that accept CreateBucket).
REGIONS = frozenset(
    {
        "us-east-1",
        "us-east-2",
        "us-west-1",
        "us-west-2",
        "af-south-1",
        "ap-east-1",
        "ap-east-2",
        "ap-south-1",
        "ap-south-2",
        "ap-southeast-1",
        "ap-southeast-2",
        "ap-southeast-3",
        "ap-southeast-4",
        "ap-southeast-5",
        "ap-southeast-6",
        "ap-southeast-7",
        "ap-northeast-1",
        "ap-northeast-2",
        "ap-northeast-3",
        "ca-central-1",
        "ca-west-1",
        "eu-central-1",
        "eu-central-2",
        "eu-west-1",
        "eu-west-2",
        "eu-west-3",
        "eu-south-1",
        "eu-south-2",
        "eu-north-1",
        "il-central-1",
        "me-south-1",
        "me-central-1",
        "mx-central-1",
        "sa-east-1",
        "us-gov-east-1",
        "us-gov-west-1",
        "cn-north-1",
        "cn-northwest-1",
    }
)
_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_BAD_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_BAD_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")


def valid_bucket_name(name: str) -> bool:
    """Whether `name` follows the general purpose bucket naming rules.

    https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
    """
    if not _NAME.match(name) or ".." in name:
        return False
    if name.startswith(_BAD_PREFIXES) or name.endswith(_BAD_SUFFIXES):
        return False
    try:
        ipaddress.IPv4Address(name)
    except ValueError:
        return True
    return False


def resolve_region(request_region: str, constraint: str | None) -> str:
    """The region a CreateBucket puts the bucket in, or the AWS error for the constraint.

    us-east-1 (the global endpoint) creates buckets anywhere but refuses an explicit
    "us-east-1"; any other regional endpoint only creates buckets in its own region
    (https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html).
    """
    if constraint == "EU":  # the legacy name of eu-west-1
        constraint = "eu-west-1"
    if constraint is not None and (constraint not in REGIONS or constraint == "us-east-1"):
        raise errors.invalid_location_constraint(constraint)
    if request_region == "us-east-1":
        return constraint or "us-east-1"
    if constraint != request_region:
        raise errors.illegal_location_constraint(constraint)
    return constraint


class Bucket:
    """One bucket: its objects by key and the keys sorted for listing."""

    __slots__ = ("name", "region", "created", "objects", "keys")

    def __init__(self, name: str, region: str, created: float) -> None:
        self.name = name
        self.region = region
        self.created = created
        self.objects: dict[str, S3Object] = {}
        # Python orders str by code point, which is UTF-8 byte order: S3's listing order.
        self.keys: list[str] = []

    def get(self, key: str) -> S3Object | None:
        return self.objects.get(key)

    def put(self, obj: S3Object) -> S3Object | None:
        """Store `obj`; return the object it replaces."""
        old = self.objects.get(obj.key)
        self.objects[obj.key] = obj
        if old is None:
            bisect.insort(self.keys, obj.key)
        return old

    def remove(self, key: str) -> S3Object | None:
        old = self.objects.pop(key, None)
        if old is not None:
            i = bisect.bisect_left(self.keys, key)
            del self.keys[i]
        return old

    def to_json(self) -> dict[str, str | float]:
        return {"name": self.name, "region": self.region, "created": self.created}
