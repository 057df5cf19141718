"""What Query and Scan share: the target (table or index), Select, paging and the page loop."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from replayer.state.dynamodb.common import capacity, read_units
from replayer.state.dynamodb.errors import DynamoError, invalid_params, validation
from replayer.state.dynamodb.expressions import Context, check_overlap, evaluate, project
from replayer.state.dynamodb.expressions.ast import Parsed
from replayer.state.dynamodb.store import Doc
from replayer.state.dynamodb.table import Index, Key, Table
from replayer.state.dynamodb.types import Item

PAGE_BYTES = (
    1024 * 1024
)  # https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.Pagination.html
BAD_START = "The provided starting key is invalid: "


@dataclass
class Target:
    table: Table
    index: Index | None

    @property
    def hash_key(self) -> str:
        return self.index.hash if self.index else self.table.hash_key

    @property
    def range_key(self) -> str | None:
        return self.index.range if self.index else self.table.range_key

    def last_key(self, item: Item) -> Item:
        out = self.table.key_attrs(item)
        if self.index:
            out[self.index.hash] = item[self.index.hash]
            if self.index.range:
                out[self.index.range] = item[self.index.range]
        return out

    def start_key(self, esk: Doc) -> Key:
        """The table key of ExclusiveStartKey, which must hold exactly the target's keys."""
        t = self.table
        wanted = {t.hash_key, t.range_key, self.hash_key, self.range_key} - {None}
        if set(esk) != wanted:
            raise validation(BAD_START + "The provided key element does not match the schema")
        try:
            return t.key_of(t.key_attrs(esk))
        except DynamoError as e:
            raise validation(BAD_START + e.message) from e


def target(body: Doc, t: Table) -> Target:
    name = body.get("IndexName")
    if name is None:
        return Target(t, None)
    index = t.indexes.get(name)
    if index is None:
        raise validation(f"The table does not have the specified index: {name}")
    if index.is_global and body.get("ConsistentRead"):
        raise validation("Consistent reads are not supported on global secondary indexes")
    return Target(t, index)


def check_limit(body: Doc) -> int | None:
    limit = body.get("Limit")
    if limit is not None and limit < 1:
        raise validation(
            f"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy "
            "constraint: Member must have value greater than or equal to 1"
        )
    return limit  # type: ignore[no-any-return]


def select_of(body: Doc, tg: Target, has_projection: bool) -> str:
    default = "ALL_PROJECTED_ATTRIBUTES" if tg.index else "ALL_ATTRIBUTES"
    select = body.get("Select") or ("SPECIFIC_ATTRIBUTES" if has_projection else default)
    if has_projection and select != "SPECIFIC_ATTRIBUTES":
        # Wording as DynamoDB (and DynamoDB local) answer it for each Select value.
        what = "only the Count" if select == "COUNT" else select
        raise validation(f"Cannot specify the ProjectionExpression when choosing to get {what}")
    if select == "SPECIFIC_ATTRIBUTES" and not has_projection:
        raise validation(
            "Must specify the AttributesToGet or ProjectionExpression when choosing to get "
            "SPECIFIC_ATTRIBUTES"
        )
    if (
        select == "ALL_ATTRIBUTES"
        and tg.index is not None
        and tg.index.is_global
        and tg.index.projection.get("ProjectionType") != "ALL"
    ):
        raise invalid_params(
            f"Select type ALL_ATTRIBUTES is not supported for global secondary index "
            f"{tg.index.name} because its projection type is not ALL"
        )
    return str(select)


def page(
    body: Doc,
    tg: Target,
    keys: Iterable[Key],
    parsed: dict[str, Parsed],
    ctx: Context,
) -> Doc:
    """Evaluate items in order until Limit or 1 MB; filter, project and count them."""
    limit = check_limit(body)
    proj = parsed.get("ProjectionExpression")
    paths = [ctx.path(p) for p in proj.paths()] if proj else None
    if paths:
        check_overlap("ProjectionExpression", paths)
    select = select_of(body, tg, paths is not None)
    filt = parsed.get("FilterExpression")
    items: list[Item] = []
    scanned = size = 0
    last: Item | None = None
    t = tg.table
    index = tg.index
    for key in keys:
        item = t.items[key]
        if index is not None and (select != "ALL_ATTRIBUTES" or index.is_global):
            item = index.projects(t, item)
        scanned += 1
        size += t.sizes[key]
        if filt is None or evaluate(filt.cond(), item, ctx):
            items.append(project(item, paths) if paths else item)
        if scanned == limit or size >= PAGE_BYTES:
            last = tg.last_key(t.items[key])
            break
    doc: Doc = {} if select == "COUNT" else {"Items": items}
    doc["Count"] = len(items)
    doc["ScannedCount"] = scanned
    if last is not None:
        doc["LastEvaluatedKey"] = last
    cc = capacity(
        body, t, read_units(size, bool(body.get("ConsistentRead"))), body.get("IndexName")
    )
    if cc:
        doc["ConsumedCapacity"] = cc
    return doc
