"""TransactWriteItems and TransactGetItems: all-or-nothing, CancellationReasons in order."""

from __future__ import annotations

import json

from replayer.state.base import ServeRequest, ServeResponse, handles
from replayer.state.dynamodb.common import expressions
from replayer.state.dynamodb.errors import (
    ONE_ITEM_TWICE,
    DynamoError,
    idempotent_mismatch,
    raise_if_cancelled,
    validation,
)
from replayer.state.dynamodb.expressions import check_overlap, evaluate, project
from replayer.state.dynamodb.items import delete, put, update
from replayer.state.dynamodb.store import Doc, Store, respond
from replayer.state.dynamodb.table import Key, Table
from replayer.state.dynamodb.types import Item, check_item

# https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html
LIMIT = 100
KINDS = ("ConditionCheck", "Put", "Delete", "Update")
OPS = {
    "ConditionCheck": "ConditionCheck",
    "Put": "PutItem",
    "Delete": "DeleteItem",
    "Update": "UpdateItem",
}


def _one_kind(entry: Doc) -> tuple[str, Doc]:
    kinds = [k for k in KINDS if k in entry]
    if len(kinds) != 1:
        raise validation("TransactItems can only contain one of Check, Put, Update or Delete")
    return kinds[0], entry[kinds[0]]


class TransactionOps(Store):
    """Transaction handlers."""

    def _plan(self, items: list[Doc]) -> list[tuple[str, Doc, Table, Key]]:
        if len(items) > LIMIT:
            raise validation(
                "1 validation error detected at 'transactItems' failed to satisfy constraint: "
                "Member must have length less than or equal to 100."
            )
        plan = []
        seen: set[tuple[str, Key]] = set()
        for entry in items:
            kind, spec = _one_kind(entry)
            t = self.table(spec.get("TableName"))
            if kind == "Put":
                key = t.key_of_item(check_item(spec.get("Item")))
            else:
                key = t.key_of(check_item(spec.get("Key") or {}))
            if (t.description["TableName"], key) in seen:
                raise validation(ONE_ITEM_TWICE)
            seen.add((t.description["TableName"], key))
            kinds = (
                ("ConditionExpression", "UpdateExpression")
                if kind == "Update"
                else ("ConditionExpression",)
            )
            expressions(spec, kinds, OPS[kind])  # validation errors fail the whole request
            plan.append((kind, spec, t, key))
        return plan

    @handles("TransactWriteItems")
    async def transact_write_items(self, req: ServeRequest) -> ServeResponse:
        body = await self.body(req)
        token = body.get("ClientRequestToken")
        fingerprint = json.dumps(body.get("TransactItems"), sort_keys=True)
        if token and token in self.tokens:
            seen_request, answer = self.tokens[token]
            if seen_request != fingerprint:
                raise idempotent_mismatch()
            return respond(answer)
        plan = self._plan(body.get("TransactItems") or [])
        reasons: list[Doc] = []
        for _kind, spec, t, key in plan:
            reasons.append(self._check(spec, t, key))
        raise_if_cancelled(reasons)
        self._apply(plan)
        if token:
            self.tokens[token] = (fingerprint, {})
        return respond({})

    @staticmethod
    def _check(spec: Doc, t: Table, key: Key) -> Doc:
        old = t.items.get(key)
        cond_text = spec.get("ConditionExpression")
        if cond_text is None:
            return {"Code": "None"}
        kinds = tuple(k for k in ("ConditionExpression", "UpdateExpression") if k in spec)
        full, ctx = expressions(spec, kinds, "UpdateItem")
        if evaluate(full["ConditionExpression"].cond(), old or {}, ctx):
            return {"Code": "None"}
        reason: Doc = {
            "Code": "ConditionalCheckFailed",
            "Message": "The conditional request failed",
        }
        if spec.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and old is not None:
            reason["Item"] = old
        return reason

    def _apply(self, plan: list[tuple[str, Doc, Table, Key]]) -> None:
        """Apply every write; on a late error put every touched item back as it was."""
        before: list[tuple[Table, Key, Item | None]] = [
            (t, k, t.items.get(k)) for _, _, t, k in plan
        ]
        try:
            for kind, spec, t, _key in plan:
                body = {k: v for k, v in spec.items() if k != "ReturnValuesOnConditionCheckFailure"}
                if kind == "Put":
                    put(t, body)
                elif kind == "Delete":
                    delete(t, body)
                elif kind == "Update":
                    update(t, body)
        except DynamoError:
            for t, k, old in before:
                if old is None:
                    t.delete(k)
                else:
                    t.put(k, old)
            raise
        for t in {id(t): t for _, _, t, _ in plan}.values():
            self.persist(t)

    @handles("TransactGetItems")
    async def transact_get_items(self, req: ServeRequest) -> ServeResponse:
        body = await self.body(req)
        entries = body.get("TransactItems") or []
        if len(entries) > LIMIT:
            raise validation(
                "1 validation error detected at 'transactItems' failed to satisfy constraint: "
                "Member must have length less than or equal to 100."
            )
        out: list[Doc] = []
        for entry in entries:
            spec = entry.get("Get") or {}
            t = self.table(spec.get("TableName"))
            item = t.items.get(t.key_of(check_item(spec.get("Key") or {})))
            parsed, ctx = expressions(spec, ("ProjectionExpression",), "GetItem")
            proj = parsed.get("ProjectionExpression")
            if proj is not None and item is not None:
                paths = [ctx.path(p) for p in proj.paths()]
                check_overlap("ProjectionExpression", paths)
                item = project(item, paths)
            out.append({"Item": item} if item is not None else {})
        return respond({"Responses": out})
