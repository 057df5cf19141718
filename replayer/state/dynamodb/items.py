"""Item operations: PutItem, GetItem, UpdateItem, DeleteItem with expressions and ReturnValues."""

from __future__ import annotations

from replayer.state.base import ServeRequest, ServeResponse, handles
from replayer.state.dynamodb.common import (
    capacity,
    check_size,
    expressions,
    read_units,
    return_values,
    write_units,
)
from replayer.state.dynamodb.errors import conditional_failed, validation
from replayer.state.dynamodb.expressions import (
    apply_update,
    check_overlap,
    check_update,
    evaluate,
    project,
)
from replayer.state.dynamodb.legacy import translate
from replayer.state.dynamodb.store import Doc, Store, respond
from replayer.state.dynamodb.table import Key, Table
from replayer.state.dynamodb.types import Item, check_item, item_size

COND = ("ConditionExpression",)


def condition_check(t: Table, body: Doc, key: Key, old: Item | None, op: str) -> None:
    """Raise ConditionalCheckFailedException when the condition is false for `old`."""
    parsed, ctx = expressions(body, COND, op)
    cond = parsed.get("ConditionExpression")
    if cond is not None and not evaluate(cond.cond(), old or {}, ctx):
        wanted = body.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD"
        raise conditional_failed(old if wanted and old is not None else None)


def put(t: Table, body: Doc) -> tuple[Item | None, Item]:
    """Validate and apply one PutItem request; return (old, new)."""
    item = check_item(body.get("Item"))
    key = t.key_of_item(item)
    t.check_index_keys(item)
    size = check_size(item)
    old = t.items.get(key)
    condition_check(t, body, key, old, "PutItem")
    t.put(key, item, size)
    return old, item


def delete(t: Table, body: Doc) -> Item | None:
    key = t.key_of(body.get("Key") or {})
    old = t.items.get(key)
    condition_check(t, body, key, old, "DeleteItem")
    if old is not None:
        t.delete(key)
    return old


def update(t: Table, body: Doc) -> tuple[Item | None, Item, list[tuple[str | int, ...]]]:
    """Validate and apply one UpdateItem request; return (old, new, updated paths)."""
    raw_key = check_item(body.get("Key") or {})
    key = t.key_of(raw_key)
    parsed, ctx = expressions(body, ("UpdateExpression", *COND), "UpdateItem")
    upd = parsed.get("UpdateExpression")
    keys = (t.hash_key, t.range_key) if t.range_key else (t.hash_key,)
    paths = check_update(upd.actions(), ctx, keys) if upd else []
    old = t.items.get(key)
    cond = parsed.get("ConditionExpression")
    if cond is not None and not evaluate(cond.cond(), old or {}, ctx):
        wanted = body.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD"
        raise conditional_failed(old if wanted and old is not None else None)
    base = old if old is not None else raw_key
    new = apply_update(base, upd.actions(), paths, ctx) if upd else dict(base)
    if item_size(new) > 400 * 1024:
        raise validation("Item size to update has exceeded the maximum allowed size")
    t.check_index_keys(new)
    t.put(key, new)
    return old, new, paths


class ItemOps(Store):
    """Single-item handlers."""

    @handles("GetItem")
    async def get_item(self, req: ServeRequest) -> ServeResponse:
        body = await self.body(req)
        t = self.table(body.get("TableName"))
        if "AttributesToGet" in body:
            body = translate(body, "GetItem")
        key = t.key_of(body.get("Key") or {})
        item = t.items.get(key)
        doc: Doc = {}
        if "ProjectionExpression" in body or "ExpressionAttributeNames" in body:
            parsed, ctx = expressions(body, ("ProjectionExpression",), "GetItem")
            proj = parsed.get("ProjectionExpression")
            if proj is not None:
                paths = [ctx.path(p) for p in proj.paths()]
                check_overlap("ProjectionExpression", paths)
                if item is not None:
                    item = project(item, paths)
        if item is not None:
            doc["Item"] = item
        if body.get("ReturnConsumedCapacity", "NONE") != "NONE":
            size = item_size(item) if item else 0
            doc["ConsumedCapacity"] = capacity(
                body, t, read_units(size, bool(body.get("ConsistentRead")))
            )
        return respond(doc)

    @handles("PutItem")
    async def put_item(self, req: ServeRequest) -> ServeResponse:
        body = translate(await self.body(req), "PutItem")
        t = self.table(body.get("TableName"))
        rv = return_values(body, "PutItem")
        old, new = put(t, body)
        self.persist(t)
        doc: Doc = {}
        if rv == "ALL_OLD" and old is not None:
            doc["Attributes"] = old
        self._capacity(doc, body, t, old, new)
        return respond(doc)

    @handles("DeleteItem")
    async def delete_item(self, req: ServeRequest) -> ServeResponse:
        body = translate(await self.body(req), "DeleteItem")
        t = self.table(body.get("TableName"))
        rv = return_values(body, "DeleteItem")
        old = delete(t, body)
        if old is not None:
            self.persist(t)
        doc: Doc = {}
        if rv == "ALL_OLD" and old is not None:
            doc["Attributes"] = old
        self._capacity(doc, body, t, old, None)
        return respond(doc)

    @handles("UpdateItem")
    async def update_item(self, req: ServeRequest) -> ServeResponse:
        body = translate(await self.body(req), "UpdateItem")
        t = self.table(body.get("TableName"))
        rv = return_values(body, "UpdateItem")
        old, new, paths = update(t, body)
        self.persist(t)
        doc: Doc = {}
        attrs = {
            "ALL_OLD": old,
            "ALL_NEW": new,
            "UPDATED_OLD": project(old, paths) if old and paths else None,
            "UPDATED_NEW": project(new, paths) if paths else None,
        }.get(rv)
        if attrs:
            doc["Attributes"] = attrs
        self._capacity(doc, body, t, old, new)
        return respond(doc)

    @staticmethod
    def _capacity(doc: Doc, body: Doc, t: Table, old: Item | None, new: Item | None) -> None:
        if body.get("ReturnConsumedCapacity", "NONE") != "NONE":
            units = write_units(item_size(old) if old else 0, item_size(new) if new else 0)
            doc["ConsumedCapacity"] = capacity(body, t, units)
