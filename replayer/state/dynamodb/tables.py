"""The control plane: CreateTable, DescribeTable, ListTables and DeleteTable."""

from __future__ import annotations

import copy
import re
import time
import uuid
from typing import Any

from replayer.state.base import ServeRequest, ServeResponse, handles
from replayer.state.dynamodb.errors import DynamoError, invalid_params, not_found, validation
from replayer.state.dynamodb.store import Doc, Store, respond
from replayer.state.dynamodb.table import Table
from replayer.state.dynamodb.types import item_size

NAME = re.compile(r"[a-zA-Z0-9_.-]+")


def _list(xs: list[str]) -> str:
    return "[" + ", ".join(xs) + "]"


def check_key_schema(schema: Any, where: str = "keySchema") -> None:
    if not isinstance(schema, list) or not schema:
        raise validation(
            f"1 validation error detected: Value null at '{where}' failed to satisfy "
            "constraint: Member must not be null"
        )
    for i, k in enumerate(schema, 1):
        if k.get("KeyType") not in ("HASH", "RANGE"):
            raise validation(
                f"1 validation error detected: Value '{k.get('KeyType')}' at "
                f"'{where}.{i}.member.keyType' failed to satisfy constraint: "
                "Member must satisfy enum value set: [HASH, RANGE]"
            )
    if len(schema) > 2:
        shown = ", ".join(
            f"KeySchemaElement(attributeName={k.get('AttributeName')}, keyType={k['KeyType']})"
            for k in schema
        )
        raise validation(
            f"1 validation error detected: Value '[{shown}]' at '{where}' failed to satisfy "
            "constraint: Member must have length less than or equal to 2"
        )
    if schema[0]["KeyType"] != "HASH":
        raise validation("Invalid KeySchema: The first KeySchemaElement is not a HASH key type")
    if len(schema) == 2 and schema[1]["KeyType"] != "RANGE":
        raise validation("Invalid KeySchema: The second KeySchemaElement is not a RANGE key type")


def check_definitions(body: Doc) -> None:
    """AttributeDefinitions must define exactly the key attributes of the table and indexes."""
    defs = body.get("AttributeDefinitions") or []
    for i, d in enumerate(defs, 1):
        if d.get("AttributeType") not in ("S", "N", "B"):
            raise validation(
                f"1 validation error detected: Value '{d.get('AttributeType')}' at "
                f"'attributeDefinitions.{i}.member.attributeType' failed to satisfy constraint: "
                "Member must satisfy enum value set: [B, N, S]"
            )
    indexes = [*body.get("GlobalSecondaryIndexes", []), *body.get("LocalSecondaryIndexes", [])]
    keys = [k["AttributeName"] for k in body["KeySchema"]]
    for ix in indexes:
        check_key_schema(ix.get("KeySchema"), "indexKeySchema")
        keys += [k["AttributeName"] for k in ix["KeySchema"] if k["AttributeName"] not in keys]
    actual = [d["AttributeName"] for d in defs]
    head = "One or more parameter values were invalid: "
    missing = [k for k in keys if k not in actual]
    if missing:
        if not indexes and len(actual) < len(keys):
            raise validation("Invalid KeySchema: Some index key attribute have no definition")
        raise validation(
            head + "Some index key attributes are not defined in AttributeDefinitions. "
            f"Keys: {_list(missing)}, AttributeDefinitions: {_list(actual)}"
        )
    if len(actual) > len(keys):
        if indexes:
            raise validation(
                head + "Some AttributeDefinitions are not used. "
                f"AttributeDefinitions: {_list(actual)}, keys used: {_list(keys)}"
            )
        raise validation(
            head + "Number of attributes in KeySchema does not exactly match number of "
            "attributes defined in AttributeDefinitions"
        )


def throughput(body: Doc, billing: str, index: str | None = None, creating: bool = False) -> Doc:
    """ProvisionedThroughput for a table (or the GSI `index`) under `billing`.

    Wording as DynamoDB answers, e.g. for a GSI with throughput on an on-demand table
    "Neither ... can be specified for index: NAME when BillingMode is PAY_PER_REQUEST", and
    CreateTable without throughput in provisioned mode "No provisioned throughput specified for
    the table" (https://github.com/aws/aws-sdk-go/issues/3140).
    """
    pt = body.get("ProvisionedThroughput")
    if billing == "PAY_PER_REQUEST":
        if pt:
            where = f"for index: {index} " if index else ""
            raise invalid_params(
                f"Neither ReadCapacityUnits nor WriteCapacityUnits can be specified {where}when "
                "BillingMode is PAY_PER_REQUEST"
            )
        return {"NumberOfDecreasesToday": 0, "ReadCapacityUnits": 0, "WriteCapacityUnits": 0}
    if not pt and creating and index is None:
        raise validation("No provisioned throughput specified for the table")
    if not pt or "ReadCapacityUnits" not in pt or "WriteCapacityUnits" not in pt:
        raise invalid_params(
            "ReadCapacityUnits and WriteCapacityUnits must both be specified when "
            "BillingMode is PROVISIONED"
        )
    return {
        "NumberOfDecreasesToday": 0,
        "ReadCapacityUnits": pt["ReadCapacityUnits"],
        "WriteCapacityUnits": pt["WriteCapacityUnits"],
    }


def warm_throughput(body: Doc) -> Doc:
    """What a table or GSI can serve at once: the request's values, else the defaults.

    https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/check-warm-throughput.html
    https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/warm-throughput.html
    """
    asked = body.get("WarmThroughput") or {}
    return {
        "ReadUnitsPerSecond": asked.get("ReadUnitsPerSecond", 12000),
        "WriteUnitsPerSecond": asked.get("WriteUnitsPerSecond", 4000),
        "Status": "ACTIVE",
    }


class TablesOps(Store):
    """Control-plane handlers."""

    def arn(self, req: ServeRequest, name: str) -> str:
        return f"arn:aws:dynamodb:{req.region}:{self.account}:table/{name}"

    @handles("CreateTable")
    async def create_table(self, req: ServeRequest) -> ServeResponse:
        body = await self.body(req)
        name = body.get("TableName", "")
        check_table_name(name)
        check_key_schema(body.get("KeySchema"))
        check_definitions(body)
        if name in self.tables:
            raise DynamoError("ResourceInUseException", f"Table already exists: {name}")
        desc = self.describe_new(req, body)
        t = Table(desc)
        self.tables[name] = t
        self.persist(t)
        return respond({"TableDescription": self.describe(t, "CREATING")})

    def describe_new(self, req: ServeRequest, body: Doc) -> Doc:
        name = body["TableName"]
        billing = body.get("BillingMode", "PROVISIONED")
        arn = self.arn(req, name)
        desc: Doc = {
            "AttributeDefinitions": body["AttributeDefinitions"],
            "TableName": name,
            "KeySchema": body["KeySchema"],
            "TableStatus": "ACTIVE",
            "CreationDateTime": time.time(),
            "ProvisionedThroughput": throughput(body, billing, creating=True),
            "TableArn": arn,
            "TableId": str(uuid.uuid4()),
            "DeletionProtectionEnabled": bool(body.get("DeletionProtectionEnabled", False)),
        }
        desc["WarmThroughput"] = warm_throughput(body)
        if billing == "PAY_PER_REQUEST":
            desc["BillingModeSummary"] = {
                "BillingMode": "PAY_PER_REQUEST",
                "LastUpdateToPayPerRequestDateTime": desc["CreationDateTime"],
            }
        hash_key = body["KeySchema"][0]["AttributeName"]
        if body.get("LocalSecondaryIndexes"):
            if len(body["KeySchema"]) < 2:
                raise invalid_params(
                    "Table KeySchema does not have a range key, which is required when "
                    "specifying a LocalSecondaryIndex"
                )
            desc["LocalSecondaryIndexes"] = [
                self._index(ix, arn, billing, False, hash_key)
                for ix in body["LocalSecondaryIndexes"]
            ]
        if body.get("GlobalSecondaryIndexes"):
            desc["GlobalSecondaryIndexes"] = [
                self._index(ix, arn, billing, True, hash_key)
                for ix in body["GlobalSecondaryIndexes"]
            ]
        if spec := body.get("StreamSpecification"):
            desc["StreamSpecification"] = spec
            if spec.get("StreamEnabled"):
                label = time.strftime("%Y-%m-%dT%H:%M:%S.000", time.gmtime())
                desc["LatestStreamLabel"] = label
                desc["LatestStreamArn"] = f"{arn}/stream/{label}"
        desc["_Tags"] = body.get("Tags", [])
        return desc

    @staticmethod
    def _index(ix: Doc, arn: str, billing: str, is_global: bool, hash_key: str) -> Doc:
        if not is_global and ix["KeySchema"][0]["AttributeName"] != hash_key:
            raise invalid_params(
                "Index KeySchema does not have the same leading hash key as table KeySchema "
                f"for index: {ix['IndexName']}. index hash key: "
                f"{ix['KeySchema'][0]['AttributeName']}, table hash key: {hash_key}"
            )
        out: Doc = {
            "IndexName": ix["IndexName"],
            "KeySchema": ix["KeySchema"],
            "Projection": ix.get("Projection", {"ProjectionType": "ALL"}),
        }
        if is_global:
            out["IndexStatus"] = "ACTIVE"
            out["ProvisionedThroughput"] = throughput(ix, billing, ix["IndexName"])
            out["WarmThroughput"] = warm_throughput(ix)
        out["IndexArn"] = f"{arn}/index/{ix['IndexName']}"
        return out

    def describe(self, t: Table, status: str | None = None) -> Doc:
        d = {k: copy.deepcopy(v) for k, v in t.description.items() if not k.startswith("_")}
        d["TableSizeBytes"] = t.size
        d["ItemCount"] = len(t.items)
        if status:
            d["TableStatus"] = status
        for kind in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
            for ix in d.get(kind, []):
                index = t.indexes[ix["IndexName"]]
                _, order = t.view(index)
                ix["IndexSizeBytes"] = sum(
                    item_size(index.projects(t, t.items[(e[3], e[4])])) for e in order
                )
                ix["ItemCount"] = len(order)
                if status == "CREATING" and "IndexStatus" in ix:
                    ix["IndexStatus"] = "CREATING"
        return d

    @handles("DescribeTable")
    async def describe_table(self, req: ServeRequest) -> ServeResponse:
        body = await self.body(req)
        name = body.get("TableName")
        if name not in self.tables:
            raise not_found(str(name))
        return respond({"Table": self.describe(self.tables[name])})

    @handles("DeleteTable")
    async def delete_table(self, req: ServeRequest) -> ServeResponse:
        body = await self.body(req)
        name = body.get("TableName")
        t = self.tables.get(name) if isinstance(name, str) else None
        if t is None:
            raise not_found(str(name))
        if t.description.get("DeletionProtectionEnabled"):
            raise validation(
                "Resource cannot be deleted as it is currently protected against deletion. "
                "Disable deletion protection first."
            )
        out = self.describe(t, "DELETING")
        del self.tables[t.description["TableName"]]
        self.forget(t.description["TableName"])
        return respond({"TableDescription": out})

    @handles("ListTables")
    async def list_tables(self, req: ServeRequest) -> ServeResponse:
        body = await self.body(req)
        limit = body.get("Limit", 100)
        if not 1 <= limit <= 100:
            raise validation(
                f"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy "
                "constraint: Member must have value "
                + ("less than or equal to 100" if limit > 100 else "greater than or equal to 1")
            )
        names = sorted(self.tables)
        if start := body.get("ExclusiveStartTableName"):
            names = [n for n in names if n > start]
        doc: Doc = {"TableNames": names[:limit]}
        if len(names) > limit:
            doc["LastEvaluatedTableName"] = names[limit - 1]
        return respond(doc)


def check_table_name(name: Any) -> None:
    if not isinstance(name, str) or not 3 <= len(name) <= 255:
        n = len(name) if isinstance(name, str) else 0
        bound = "greater than or equal to 3" if n < 3 else "less than or equal to 255"
        raise validation(
            f"1 validation error detected: Value '{name}' at 'tableName' failed to satisfy "
            f"constraint: Member must have length {bound}"
        )
    if not NAME.fullmatch(name):
        raise validation(
            f"1 validation error detected: Value '{name}' at 'tableName' failed to satisfy "
            "constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"
        )
