"""ExecuteStatement, BatchExecuteStatement and ExecuteTransaction handlers."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from replayer.state.base import ServeRequest, ServeResponse, handles
from replayer.state.dynamodb.common import capacity
from replayer.state.dynamodb.errors import DynamoError, validation
from replayer.state.dynamodb.expressions import Context
from replayer.state.dynamodb.partiql import execute
from replayer.state.dynamodb.partiql.ast import Exists, Parsed, Select
from replayer.state.dynamodb.partiql.bind import bind
from replayer.state.dynamodb.partiql.execute import NOT_IN_TRANSACTION, statement_of, write
from replayer.state.dynamodb.partiql.transaction import TransactionRun
from replayer.state.dynamodb.store import Doc, Store, respond
from replayer.state.dynamodb.table import Table
from replayer.state.dynamodb.types import Item

# BatchStatementError.Code for each error a statement can end in.
# https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchStatementError.html
BATCH_CODES = {
    "ValidationException": "ValidationError",
    "ConditionalCheckFailedException": "ConditionalCheckFailed",
    "DuplicateItemException": "DuplicateItem",
    "ResourceNotFoundException": "ResourceNotFound",
    "TransactionConflictException": "TransactionConflict",
}
BATCH_LIMIT = 25  # https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ql-reference.multiplestatements.batching.html


def _fingerprint(body: Doc) -> str:
    raw = json.dumps([body.get("Statement"), body.get("Parameters")], sort_keys=True)
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def next_token(last: Item, body: Doc) -> str:
    doc = {"k": last, "h": _fingerprint(body)}
    return base64.b64encode(json.dumps(doc, separators=(",", ":")).encode()).decode()


def start_key(token: Any, body: Doc) -> Item:
    """The ExclusiveStartKey a NextToken carries; it only continues the same statement."""
    try:
        doc = json.loads(base64.b64decode(token, validate=True))
        key, fingerprint = doc["k"], doc["h"]
    except (ValueError, TypeError, KeyError) as e:
        raise validation("Invalid NextToken") from e
    if fingerprint != _fingerprint(body):
        raise validation("NextToken does not match request")
    return key  # type: ignore[no-any-return]


def batch_error(e: DynamoError) -> Doc:
    err: Doc = {"Code": BATCH_CODES.get(e.code, e.code), "Message": e.message}
    if "Item" in e.extra:
        err["Item"] = e.extra["Item"]
    return err


class PartiQLOps(Store):
    """PartiQL handlers: one statement, a batch of statements, a transaction of statements."""

    @handles("ExecuteStatement")
    async def execute_statement(self, req: ServeRequest) -> ServeResponse:
        body = await self.body(req)
        p = statement_of(body)
        ctx = bind(p, body.get("Parameters"))
        t = self.table(p.table)
        s = p.statement
        if isinstance(s, Select):
            return respond(self._select(t, s, ctx, body))
        if isinstance(s, Exists):
            raise validation(NOT_IN_TRANSACTION)
        items, units = write(t, p, ctx, body.get("ReturnValuesOnConditionCheckFailure"))
        self.persist(t)
        doc: Doc = {"Items": items}
        if cc := capacity(body, t, units):
            doc["ConsumedCapacity"] = cc
        return respond(doc)

    @staticmethod
    def _select(t: Table, s: Select, ctx: Context, body: Doc) -> Doc:
        keep = ("Limit", "ConsistentRead", "ReturnConsumedCapacity")
        query: Doc = {k: body[k] for k in keep if k in body}
        if (token := body.get("NextToken")) is not None:
            query["ExclusiveStartKey"] = start_key(token, body)
        found = execute.select(t, s, ctx, query)
        doc: Doc = {"Items": found.get("Items", [])}
        if "LastEvaluatedKey" in found:
            doc["NextToken"] = next_token(found["LastEvaluatedKey"], body)
        if "ConsumedCapacity" in found:
            doc["ConsumedCapacity"] = found["ConsumedCapacity"]
        return doc

    @handles("BatchExecuteStatement")
    async def batch_execute_statement(self, req: ServeRequest) -> ServeResponse:
        body = await self.body(req)
        specs: list[Doc] = body.get("Statements") or []
        if len(specs) > BATCH_LIMIT:
            raise validation(
                "1 validation error detected at 'statements' failed to satisfy constraint: "
                f"Member must have length less than or equal to {BATCH_LIMIT}"
            )
        parsed: list[Parsed | DynamoError] = []
        for spec in specs:
            try:
                parsed.append(statement_of(spec))
            except DynamoError as e:
                parsed.append(e)
        kinds = {p.is_read for p in parsed if isinstance(p, Parsed)}
        if len(kinds) > 1:
            # https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchExecuteStatement.html
            raise validation(
                "BatchExecuteStatement API does not support both read and write operations in "
                "the same request."
            )
        touched: dict[str, Table] = {}
        out = [self._one(spec, p, touched) for spec, p in zip(specs, parsed, strict=True)]
        for t in touched.values():
            self.persist(t)
        return respond({"Responses": out})

    def _one(self, spec: Doc, p: Parsed | DynamoError, touched: dict[str, Table]) -> Doc:
        """One statement of a batch: its own result or its own Error, never the request's."""
        if isinstance(p, DynamoError):
            return {"Error": batch_error(p)}
        resp: Doc = {}
        try:
            ctx = bind(p, spec.get("Parameters"))
            t = self.table(p.table)
            resp["TableName"] = p.table
            s = p.statement
            if isinstance(s, Select):
                item = execute.get(t, s, ctx)
                if item is not None:
                    resp["Item"] = item
            else:
                write(t, p, ctx, spec.get("ReturnValuesOnConditionCheckFailure"))
                touched[p.table] = t
        except DynamoError as e:
            resp["Error"] = batch_error(e)
        return resp

    @handles("ExecuteTransaction")
    async def execute_transaction(self, req: ServeRequest) -> ServeResponse:
        body = await self.body(req)
        run = TransactionRun(self, body)
        answer = run.replayed()
        if answer is None:
            answer = run.run()
        return respond(answer)
