"""ExecuteTransaction: all reads or all writes, all-or-nothing, CancellationReasons in order.

https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ql-reference.multiplestatements.transactions.html
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from replayer.state.dynamodb.errors import (
    ONE_ITEM_TWICE,
    DynamoError,
    idempotent_mismatch,
    raise_if_cancelled,
    validation,
)
from replayer.state.dynamodb.expressions import Context, evaluate
from replayer.state.dynamodb.partiql import execute
from replayer.state.dynamodb.partiql.ast import Exists, Insert, Parsed, Select, Update
from replayer.state.dynamodb.partiql.bind import INCOMPLETE_KEY, bind, check_key_types, item_key
from replayer.state.dynamodb.store import Doc
from replayer.state.dynamodb.table import Key, Table
from replayer.state.dynamodb.types import check_item

if TYPE_CHECKING:
    from replayer.state.dynamodb.store import Store

LIMIT = 100  # https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_ExecuteTransaction.html
MIXED = (
    "ExecuteTransaction API does not support both read and write operations in the same request."
)
READ_KEY = (
    "Select statements within ExecuteTransaction must specify the primary key in the where clause."
)
FAILED = {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"}
Step = tuple[Parsed, Context, Table, Key, Doc]


def _key(t: Table, p: Parsed, ctx: Context) -> Key:
    s = p.statement
    if isinstance(s, Insert):
        item = check_item(ctx.values[s.item.name]["M"])
        check_key_types(t, item)
        return t.key_of_item(item)
    where = s.select.where if isinstance(s, Exists) else s.where  # type: ignore[union-attr]
    return item_key(t, where, ctx)[0]


class TransactionRun:
    """One ExecuteTransaction request against a store."""

    def __init__(self, store: Store, body: Doc) -> None:
        self.store = store
        self.body = body
        self.specs: list[Doc] = body.get("TransactStatements") or []
        self.token = body.get("ClientRequestToken")
        self.fingerprint = "partiql:" + json.dumps(self.specs, sort_keys=True)

    def replayed(self) -> Doc | None:
        """The earlier answer for a repeated ClientRequestToken (idempotency)."""
        if not self.token or self.token not in self.store.tokens:
            return None
        seen, answer = self.store.tokens[self.token]
        if seen != self.fingerprint:
            raise idempotent_mismatch()
        return answer

    def run(self) -> Doc:
        if len(self.specs) > LIMIT:
            raise validation(
                "1 validation error detected at 'transactStatements' failed to satisfy "
                f"constraint: Member must have length less than or equal to {LIMIT}"
            )
        parsed = [execute.statement_of(spec) for spec in self.specs]
        if len({p.is_read for p in parsed}) > 1:
            raise validation(MIXED)
        if parsed and parsed[0].is_read:
            return {
                "Responses": [
                    self._read(spec, p) for spec, p in zip(self.specs, parsed, strict=True)
                ]
            }
        answer = self._write(self._plan(parsed))
        if self.token:
            self.store.tokens[self.token] = (self.fingerprint, answer)
        return answer

    def _read(self, spec: Doc, p: Parsed) -> Doc:
        s = p.statement
        assert isinstance(s, Select)
        if s.index is not None:
            raise validation("Reads on indices are not supported within transactions.")
        t = self.store.table(s.table)
        try:
            item = execute.get(t, s, bind(p, spec.get("Parameters")))
        except DynamoError as e:
            raise (validation(READ_KEY) if e.message == INCOMPLETE_KEY else e) from e
        return {"Item": item} if item is not None else {}

    def _plan(self, parsed: list[Parsed]) -> list[Step]:
        steps: list[Step] = []
        seen: set[tuple[str, Key]] = set()
        for spec, p in zip(self.specs, parsed, strict=True):
            ctx = bind(p, spec.get("Parameters"))
            t = self.store.table(p.table)
            key = _key(t, p, ctx)
            if (p.table, key) in seen:
                raise validation(ONE_ITEM_TWICE)
            seen.add((p.table, key))
            steps.append((p, ctx, t, key, spec))
        return steps

    def _write(self, steps: list[Step]) -> Doc:
        reasons = [self._reason(step) for step in steps]
        raise_if_cancelled(reasons)
        before = [(t, key, t.items.get(key)) for _, _, t, key, _ in steps]
        try:
            for p, ctx, t, _, _ in steps:
                if not isinstance(p.statement, Exists):
                    execute.write(t, p, ctx, None)
        except DynamoError:
            for t, key, old in before:  # all or nothing
                if old is None:
                    t.delete(key)
                else:
                    t.put(key, old)
            raise
        for t in {id(t): t for _, _, t, _, _ in steps}.values():
            self.store.persist(t)
        return {}

    @staticmethod
    def _reason(step: Step) -> Doc:
        p, ctx, t, key, spec = step
        s = p.statement
        old = t.items.get(key)
        if isinstance(s, Insert):
            if old is None:
                return {"Code": "None"}
            return {"Code": "DuplicateItem", "Message": execute.DUPLICATE}
        where = s.select.where if isinstance(s, Exists) else s.where  # type: ignore[union-attr]
        missing_fails = isinstance(s, Update | Exists)
        if old is None:
            return dict(FAILED) if missing_fails else {"Code": "None"}
        if where is None or evaluate(where, old, ctx):
            return {"Code": "None"}
        reason: Doc = dict(FAILED)
        if spec.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD":
            reason["Item"] = old
        return reason
