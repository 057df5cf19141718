"""World W0 from cassettes: tables read before the cassette creates them, with their items."""

from __future__ import annotations

import json
from collections.abc import Iterable

from awsrec.cassette import Interaction
from replayer.state.dynamodb.store import Doc

VOLATILE = ("ItemCount", "TableSizeBytes")


def _json(raw: bytes) -> Doc:
    try:
        doc = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return doc if isinstance(doc, dict) else {}


def world_from(interactions: Iterable[Interaction]) -> dict[str, Doc]:
    """{table name: {"Table": description, "Items": [...]}} for tables that pre-exist."""
    created: set[str] = set()
    tables: dict[str, Doc] = {}
    items: dict[str, list[Doc]] = {}
    for ix in interactions:
        if ix.service != "dynamodb" or not 200 <= ix.response.status < 300:
            continue
        req, resp = _json(ix.request.body), _json(ix.response.body)
        name = req.get("TableName")
        op = ix.operation
        if op == "CreateTable" and isinstance(name, str):
            created.add(name)
        elif op == "DescribeTable" and name not in created and name not in tables:
            desc = {k: v for k, v in resp.get("Table", {}).items() if k not in VOLATILE}
            if desc.get("KeySchema"):
                desc["TableStatus"] = "ACTIVE"
                tables[str(name)] = desc
        elif (
            op == "GetItem"
            and name in tables
            and "Item" in resp
            and not req.get("ProjectionExpression")
        ):
            items.setdefault(str(name), []).append(resp["Item"])
        elif op in ("Query", "Scan") and name in tables and _whole_items(req):
            items.setdefault(str(name), []).extend(resp.get("Items", []))
    return {n: {"Table": d, "Items": items.get(n, [])} for n, d in tables.items()}


def _whole_items(req: Doc) -> bool:
    """Only responses that carry whole table items can seed them."""
    partial = ("IndexName", "ProjectionExpression", "AttributesToGet")
    return (
        not any(k in req for k in partial)
        and req.get("Select", "ALL_ATTRIBUTES") == "ALL_ATTRIBUTES"
    )
