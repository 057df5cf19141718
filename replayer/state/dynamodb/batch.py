"""BatchGetItem and BatchWriteItem: limits, duplicate keys, UnprocessedKeys/Items shapes."""

from __future__ import annotations

from replayer.state.base import ServeRequest, ServeResponse, handles
from replayer.state.dynamodb.common import expressions
from replayer.state.dynamodb.errors import validation
from replayer.state.dynamodb.expressions import check_overlap, project
from replayer.state.dynamodb.items import delete, put
from replayer.state.dynamodb.legacy import translate
from replayer.state.dynamodb.store import Doc, Store, respond
from replayer.state.dynamodb.table import Key, Table
from replayer.state.dynamodb.types import check_item, item_size

GET_LIMIT = (
    100  # https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchGetItem.html
)
WRITE_LIMIT = (
    25  # https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchWriteItem.html
)
GET_BYTES = 16 * 1024 * 1024
DUPLICATES = "Provided list of item keys contains duplicates"


def _unique(t: Table, keys: list[Key]) -> None:
    if len(set(keys)) != len(keys):
        raise validation(DUPLICATES)


class BatchOps(Store):
    """Batch handlers."""

    @handles("BatchGetItem")
    async def batch_get_item(self, req: ServeRequest) -> ServeResponse:
        body = await self.body(req)
        requests: Doc = body.get("RequestItems") or {}
        if sum(len(r.get("Keys", [])) for r in requests.values()) > GET_LIMIT:
            raise validation("Too many items requested for the BatchGetItem call")
        plans = []
        for name, spec in requests.items():
            t = self.table(name)
            spec = translate(spec, "GetItem")
            keys = [t.key_of(check_item(k)) for k in spec.get("Keys", [])]
            _unique(t, keys)
            parsed, ctx = expressions(spec, ("ProjectionExpression",), "GetItem")
            proj = parsed.get("ProjectionExpression")
            paths = [ctx.path(p) for p in proj.paths()] if proj else None
            if paths:
                check_overlap("ProjectionExpression", paths)
            plans.append((name, t, spec, keys, paths))
        responses: Doc = {}
        unprocessed: Doc = {}
        size = 0
        for name, t, spec, keys, paths in plans:
            found = responses.setdefault(name, [])
            for raw, key in zip(spec.get("Keys", []), keys, strict=True):
                if size > GET_BYTES:  # the rest comes back as UnprocessedKeys
                    left = unprocessed.setdefault(
                        name, {k: v for k, v in spec.items() if k != "Keys"}
                    )
                    left.setdefault("Keys", []).append(raw)
                    continue
                item = t.items.get(key)
                if item is not None:
                    size += item_size(item)
                    found.append(project(item, paths) if paths else item)
        return respond({"Responses": responses, "UnprocessedKeys": unprocessed})

    @handles("BatchWriteItem")
    async def batch_write_item(self, req: ServeRequest) -> ServeResponse:
        body = await self.body(req)
        requests: Doc = body.get("RequestItems") or {}
        if sum(len(r) for r in requests.values()) > WRITE_LIMIT:
            raise validation(
                "1 validation error detected: Value at 'requestItems' failed to satisfy "
                "constraint: "
                "Map value must satisfy constraint: [Member must have length less than or equal "
                "to 25, Member must have length greater than or equal to 1]"
            )
        plans: list[tuple[Table, str, Doc]] = []
        for name, writes in requests.items():
            t = self.table(name)
            keys = []
            for w in writes:
                if "PutRequest" in w:
                    item = check_item(w["PutRequest"].get("Item"))
                    keys.append(t.key_of_item(item))
                    plans.append((t, "put", {"Item": item}))
                else:
                    key = w.get("DeleteRequest", {}).get("Key") or {}
                    keys.append(t.key_of(check_item(key)))
                    plans.append((t, "delete", {"Key": key}))
            _unique(t, keys)
        touched: dict[str, Table] = {}
        for t, kind, spec in plans:
            if kind == "put":
                put(t, spec)
            else:
                delete(t, spec)
            touched[t.description["TableName"]] = t
        for t in touched.values():
            self.persist(t)
        return respond({"UnprocessedItems": {}})
