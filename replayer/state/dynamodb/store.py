"""The tables of one DynamoDB world: lookup, JSON in/out, persistence, W0 and dumps."""

from __future__ import annotations

import copy
import json
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from awsrec.atomic import atomic_write_json
from awsrec.cassette import Interaction
from replayer.state.base import ServeRequest, ServeResponse, ServiceModel
from replayer.state.dynamodb.errors import DynamoError, not_found
from replayer.state.dynamodb.table import Table
from replayer.state.dynamodb.types import check_item

JSON_TYPE = "application/x-amz-json-1.0"
Doc = dict[str, Any]


_MAX_JSON_DEPTH = 2 * 32 + 8


def _too_deep(doc: object) -> bool:
    """Whether `doc` nests deeper than `_MAX_JSON_DEPTH`, found without recursion."""
    stack: list[tuple[object, int]] = [(doc, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > _MAX_JSON_DEPTH:
            return True
        children = (
            node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        )
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def aws_error(e: DynamoError) -> Exception:
    """The core's AwsError for an outcome; the protocol module may land after this one."""
    try:
        from awsrec.aws.errors import AwsError
    except ImportError:  # the server core carries a stand-in until then
        from replayer.server.awsapi import AwsError
    status = 500 if e.code == "InternalServerError" else 400
    return AwsError(e.code, e.message, status, e.extra)


def respond(doc: Doc) -> ServeResponse:
    body = json.dumps(doc, separators=(",", ":")).encode()
    headers = [("Content-Type", JSON_TYPE), ("x-amz-crc32", str(zlib.crc32(body)))]
    return ServeResponse(200, headers, body)


class Store(ServiceModel):
    """Tables by name, with the memory or directory backend."""

    service = "dynamodb"

    def __init__(self, state_dir: Path | None = None, account: str = "000000000000") -> None:
        super().__init__(state_dir, account)
        self.tables: dict[str, Table] = {}
        self.w0: dict[str, Doc] = {}
        self.tokens: dict[str, tuple[str, Doc]] = {}  # ClientRequestToken -> (request, answer)
        if self._dir is not None:
            self._load()

    @property
    def _dir(self) -> Path | None:
        return self.state_dir / "dynamodb" if self.state_dir is not None else None

    async def handle(self, request: ServeRequest) -> ServeResponse:
        try:
            return await super().handle(request)
        except DynamoError as e:
            raise aws_error(e) from e

    @staticmethod
    async def body(req: ServeRequest) -> Doc:
        raw = await req.body.read()
        try:
            doc = json.loads(raw) if raw else {}
        except (ValueError, RecursionError) as e:  # RecursionError: hostile nesting
            raise DynamoError(
                "SerializationException", "Start of structure or map found where not expected."
            ) from e
        if not isinstance(doc, dict):
            raise DynamoError(
                "SerializationException", "Start of structure or map found where not expected."
            )
        # Depth never exceeds the number of brackets, and counting them is cheap (~1 us), so
        # the walk only runs for the rare request that could be too deep.
        if raw.count(b"{") + raw.count(b"[") > _MAX_JSON_DEPTH and _too_deep(doc):
            # Attributes nest at most 32 levels (two JSON levels each), so the recursive
            # item code never meets a deeper document:
            # https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html
            raise DynamoError(
                "ValidationException", "Nesting Levels have exceeded supported limits"
            )
        return doc

    def table(self, name: Any) -> Table:
        t = self.tables.get(name) if isinstance(name, str) else None
        if t is None:
            raise not_found()
        return t

    # -- persistence ------------------------------------------------------------------------

    @staticmethod
    def to_doc(t: Table) -> Doc:
        return {"Table": t.description, "Items": list(t.items.values())}

    @staticmethod
    def from_doc(doc: Doc) -> Table:
        t = Table(doc["Table"])
        for raw in doc.get("Items", []):
            item = check_item(raw)
            t.put(t.key_of_item(item), item)
        return t

    def persist(self, t: Table) -> None:
        if self._dir is not None:
            atomic_write_json(self._dir / f"{t.description['TableName']}.json", self.to_doc(t))

    def forget(self, name: str) -> None:
        if self._dir is not None:
            (self._dir / f"{name}.json").unlink(missing_ok=True)

    def _load(self) -> None:
        assert self._dir is not None
        for path in sorted(self._dir.glob("*.json")):
            t = self.from_doc(json.loads(path.read_text()))
            self.tables[t.description["TableName"]] = t

    # -- world ------------------------------------------------------------------------------

    def seed(self, interactions: Iterable[Interaction]) -> None:
        """W0: tables the cassettes describe before creating them, with the items they read."""
        from replayer.state.dynamodb.seed import world_from

        self.w0 = world_from(interactions)
        for name, doc in self.w0.items():
            if name not in self.tables:  # state kept in a state dir wins over W0
                self.tables[name] = self.from_doc(copy.deepcopy(doc))
                self.persist(self.tables[name])

    def reset(self) -> None:
        for name in list(self.tables):
            self.forget(name)
        self.tables = {name: self.from_doc(copy.deepcopy(doc)) for name, doc in self.w0.items()}
        self.tokens.clear()
        for t in self.tables.values():
            self.persist(t)

    def dump(self) -> dict[str, Any]:
        return {
            "tables": {
                name: {
                    "KeySchema": t.description["KeySchema"],
                    "ItemCount": len(t.items),
                    "Items": list(t.items.values()),
                }
                for name, t in sorted(self.tables.items())
            }
        }
