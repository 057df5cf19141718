"""World W0 for a replay: what a cassette reads before creating it, planned from the recording.

A bucket, object, table, item or function the cassette uses successfully before creating it
existed when it was recorded; it is created on the target (under its isolated name) first.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import unquote, unquote_plus

from awsrec.cassette import Interaction
from replayer.diff.bodies import parse_xml

_S3_KEY_WRITES = frozenset(
    {"PutObject", "CopyObject", "CompleteMultipartUpload", "DeleteObject", "CreateMultipartUpload"}
)
_S3_KEY_READS = frozenset(
    {"GetObject", "HeadObject", "GetObjectTagging", "GetObjectAcl", "GetObjectAttributes"}
)
_DDB_WRITES = frozenset(
    {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems",
     "ExecuteStatement", "BatchExecuteStatement", "ExecuteTransaction"}
)  # fmt: skip
_DDB_ITEM_READS = frozenset({"Query", "Scan"})
# Where a response hands back the table definition needed to recreate a table.
# https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateTable.html
_TABLE_FIELDS = (
    "AttributeDefinitions", "KeySchema", "GlobalSecondaryIndexes", "LocalSecondaryIndexes",
    "BillingModeSummary", "ProvisionedThroughput", "StreamSpecification",
)  # fmt: skip


@dataclass(slots=True)
class SeedObject:
    """An object to put before replay; `exact` is False when only its size was recorded."""

    bucket: str
    key: str
    body: bytes
    content_type: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    exact: bool = True


@dataclass(slots=True)
class WorldPlan:
    """W0 for one cassette, in original (not isolated) names."""

    buckets: list[str] = field(default_factory=list)
    objects: dict[tuple[str, str], SeedObject] = field(default_factory=dict)
    tables: dict[str, dict[str, object]] = field(default_factory=dict)
    items: list[tuple[str, dict[str, object]]] = field(default_factory=list)
    functions: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.buckets or self.objects or self.tables or self.items or self.functions)


def _json(raw: bytes) -> dict[str, object]:
    try:
        value = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


class _Planner:
    def __init__(self) -> None:
        self.plan = WorldPlan()
        self.created: set[tuple[str, str]] = set()
        self.made: set[tuple[str, str]] = set()  # created by the cassette itself
        self.written: set[tuple[str, str, str]] = set()
        self.described: dict[str, dict[str, object]] = {}

    def use(self, service: str, name: str, ok: bool, creating: bool) -> None:
        key = (service, name)
        if key in self.created:
            return
        if creating and ok:
            self.created.add(key)
            self.made.add(key)
        elif ok:
            self.created.add(key)  # it existed: seed it once
            if service == "s3":
                self.plan.buckets.append(name)
            elif service == "dynamodb":
                self.plan.tables[name] = {}
            elif service == "lambda":
                self.plan.functions.append(name)

    def s3(self, i: Interaction, ok: bool) -> None:
        bucket, _, key = i.request.path.lstrip("/").partition("/")
        bucket, key = unquote(bucket), unquote(key)
        if not bucket:
            return
        existed = i.operation == "CreateBucket" and i.response.status == 409
        self.use("s3", bucket, ok or existed, i.operation == "CreateBucket" and not existed)
        if not key or not ok or ("s3", bucket, key) in self.written:
            if key and i.operation in _S3_KEY_WRITES:
                self.written.add(("s3", bucket, key))
            return
        if i.operation in _S3_KEY_WRITES:
            self.written.add(("s3", bucket, key))
        elif i.operation in _S3_KEY_READS:
            self._seed_object(i, bucket, key)

    def _seed_object(self, i: Interaction, bucket: str, key: str) -> None:
        resp = i.response
        full_get = i.operation == "GetObject" and resp.status == 200
        seeded = self.plan.objects.get((bucket, key))
        if seeded is not None and (seeded.exact or not full_get):
            return
        size = int(resp.header("Content-Length") or 0)
        meta = {k[11:]: v for k, v in resp.headers if k.lower().startswith("x-amz-meta-")}
        body = resp.body if full_get else b"\0" * size
        self.plan.objects[(bucket, key)] = SeedObject(
            bucket, key, body, resp.header("Content-Type"), meta, exact=full_get
        )

    def s3_listing(self, i: Interaction, bucket: str) -> None:
        if ("s3", bucket) in self.made:
            return  # whatever a bucket the cassette created holds, the cassette put there
        try:
            tree, _ = parse_xml(i.response.body)
        except ValueError:
            return
        root = next(iter(tree.values()), [{}]) if isinstance(tree, dict) else [{}]
        node = root[0] if isinstance(root, list) and root else {}
        if not isinstance(node, dict):
            return
        # EncodingType=url: keys in the listing are form-encoded (botocore decodes them with
        # unquote_plus). https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html
        encoded = (node.get("EncodingType") or [""])[0] == "url"
        for entry in node.get("Contents", []):
            key = (entry.get("Key") or [""])[0] if isinstance(entry, dict) else ""
            key = unquote_plus(key) if encoded and isinstance(key, str) else key
            if key and ("s3", bucket, key) not in self.written:
                self.plan.objects.setdefault(
                    (bucket, key),
                    SeedObject(bucket, key, b"\0" * int(entry["Size"][0]), exact=False),
                )

    def dynamodb(self, i: Interaction, ok: bool) -> None:
        body = _json(i.request.body)
        name = body.get("TableName")
        if isinstance(name, str):
            if ok:
                self._describe(name, _json(i.response.body))
            # CreateTable failing with ResourceInUseException: the table was already there.
            existed = i.operation == "CreateTable" and b"ResourceInUseException" in i.response.body
            self.use("dynamodb", name, ok or existed, i.operation == "CreateTable" and not existed)
            if i.operation in _DDB_WRITES:
                self.written.add(("dynamodb", name, ""))
            elif ok and ("dynamodb", name, "") not in self.written:
                self._seed_items(i, name)
        request_items = body.get("RequestItems")
        for table in request_items if isinstance(request_items, dict) else {}:
            self.use("dynamodb", table, ok, False)
            if i.operation == "BatchWriteItem":
                self.written.add(("dynamodb", table, ""))

    def _describe(self, name: str, response: dict[str, object]) -> None:
        table = response.get("Table") or response.get("TableDescription")
        if isinstance(table, dict) and "KeySchema" in table:
            self.described.setdefault(name, table)

    def _seed_items(self, i: Interaction, table: str) -> None:
        response = _json(i.response.body)
        items: list[object] = []
        if i.operation == "GetItem" and isinstance(response.get("Item"), dict):
            items = [response["Item"]]
        elif i.operation in _DDB_ITEM_READS:
            found = response.get("Items")
            items = list(found) if isinstance(found, list) else []
        for item in items:
            if isinstance(item, dict) and (table, item) not in self.plan.items:
                self.plan.items.append((table, item))


def plan_world(interactions: Iterable[Interaction]) -> WorldPlan:
    """W0 of a cassette: resources (and their content) read successfully before any creation."""
    planner = _Planner()
    for i in interactions:
        ok = i.response.status < 300
        if i.service == "s3":
            planner.s3(i, ok)
            if ok and i.operation in ("ListObjectsV2", "ListObjects"):
                planner.s3_listing(i, unquote(i.request.path.lstrip("/").split("/", 1)[0]))
        elif i.service == "dynamodb":
            planner.dynamodb(i, ok)
        elif i.service == "lambda":
            from replayer.diff.isolate import names_in

            for _, name in names_in(i):
                planner.use("lambda", name, ok, i.operation == "CreateFunction")
    plan = planner.plan
    for name in plan.tables:
        described = planner.described.get(name, {})
        plan.tables[name] = {k: described[k] for k in _TABLE_FIELDS if k in described}
    return plan
