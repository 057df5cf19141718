"""What a firing rule does to one exchange: AWS errors, partial batches, paced request bodies."""

from __future__ import annotations

import json
import random
import zlib
from dataclasses import dataclass, field
from typing import Any

from awsrec.aws.errors import AwsError, error_status, render_error
from replayer.server.asgi import Receive, Send
from replayer.server.faults import wire
from replayer.server.faults.codes import FAULT_CODES
from replayer.server.faults.schema import Cut, ErrorDo, Stall, Unprocessed
from replayer.state.base import Body, ServeRequest, ServeResponse


@dataclass(slots=True)
class Injection:
    """The faults chosen for one request, applied by the pipeline and the response sender."""

    rule_ids: list[str] = field(default_factory=list)
    error: ErrorDo | None = None
    unprocessed: Unprocessed | None = None
    cut: Cut | None = None
    stall: Stall | None = None
    delay_s: float = 0.0
    request_rate: int | None = None
    response_rate: int | None = None
    rng: random.Random | None = None  # the generator of the rule whose action this is
    _left_over: dict[str, Any] | None = None  # the batch part set aside, added to the answer

    @property
    def on_wire(self) -> bool:
        """Whether sending the response needs the fault-aware sender."""
        return bool(self.cut or self.stall or self.delay_s > 0 or self.response_rate)

    def before(self, request: ServeRequest, body: bytes | None) -> ServeResponse | None:
        """An answer that replaces the real one, or None after adjusting `request`."""
        if self.error is not None:
            return error_response(request, self.error)
        if self.unprocessed is not None and body is not None:
            early = self._split_batch(request, body)
            if early is not None:
                return early
        if self.request_rate:
            request.body = wire.paced_body(request.body, self.request_rate)
        return None

    def after(self, response: ServeResponse) -> ServeResponse:
        """The real answer with the set-aside batch part added as UnprocessedItems/Keys."""
        if self._left_over is None or response.status != 200:
            return response
        if not isinstance(response.body, bytes | bytearray):
            return response
        try:
            doc = json.loads(response.body)
        except ValueError:
            return response
        name = next(iter(self._left_over))
        merged = doc.get(name) or {}
        for table, part in self._left_over[name].items():
            merged[table] = _merge(merged.get(table), part)
        doc[name] = merged
        out = json.dumps(doc, separators=(",", ":")).encode()
        headers = [(k, v) for k, v in response.headers if k.lower() != "x-amz-crc32"]
        # botocore checks DynamoDB's body CRC32, so it must describe the body we changed.
        headers.append(("x-amz-crc32", str(zlib.crc32(out))))
        return ServeResponse(response.status, headers, out, response.outcome)

    async def send(self, send: Send, receive: Receive, response: ServeResponse, head: bool) -> None:
        """Send `response` through the connection-level faults."""
        await wire.send_response(send, receive, response, head, self)

    def _split_batch(self, request: ServeRequest, body: bytes) -> ServeResponse | None:
        assert self.unprocessed is not None
        try:
            doc = json.loads(body)
            items = doc["RequestItems"]
        except (ValueError, KeyError, TypeError):
            return None  # malformed: the model answers with DynamoDB's own validation error
        if not isinstance(items, dict):
            return None
        rng = self.rng or random.Random()
        split = split_batch(request.operation, items, self.unprocessed.fraction, rng)
        if split is None:
            return None
        kept, aside = split
        if not kept:
            # "If none of the items can be processed due to insufficient provisioned throughput
            # on all of the tables in the request, then BatchWriteItem returns a
            # ProvisionedThroughputExceededException."
            # https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchWriteItem.html
            return error_response(request, ErrorDo("ProvisionedThroughputExceededException"))
        doc["RequestItems"] = kept
        request.body = Body.from_bytes(json.dumps(doc).encode())
        key = "UnprocessedItems" if request.operation == "BatchWriteItem" else "UnprocessedKeys"
        self._left_over = {key: aside}
        return None


def error_response(request: ServeRequest, error: ErrorDo) -> ServeResponse:
    """`error` as the request's service sends it, with Retry-After when the rule gives one."""
    status, message = FAULT_CODES.get(error.code, (400, ""))
    status = error.status or error_status(request.service, error.code) or status
    err = AwsError(error.code, error.message or message or error.code, status)
    status, headers, body = render_error(
        request.service,
        err,
        request_id=request.request_id,
        host_id=str(request.flags.get("host_id") or "") or None,
        head=request.method == "HEAD",
    )
    headers = list(headers)
    if error.retry_after is not None:
        headers.append(("Retry-After", str(error.retry_after)))
    return ServeResponse(status, headers, body, outcome=error.code)


def split_batch(
    operation: str, items: dict[str, Any], fraction: float, rng: random.Random
) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """(RequestItems to process, the part left unprocessed), or None when nothing is set aside.

    At least one entry is set aside when `fraction` > 0; which ones is the rule's seeded draw.
    """
    entries: list[tuple[str, int]] = []
    for table, value in items.items():
        listed = value if operation == "BatchWriteItem" else (value or {}).get("Keys")
        if not isinstance(listed, list):
            return None
        entries.extend((table, i) for i in range(len(listed)))
    if fraction <= 0 or not entries:
        return None
    count = min(len(entries), max(1, round(len(entries) * fraction)))
    chosen = set(rng.sample(entries, count))
    kept: dict[str, Any] = {}
    aside: dict[str, Any] = {}
    for table, value in items.items():
        listed = value if operation == "BatchWriteItem" else value["Keys"]
        stay = [x for i, x in enumerate(listed) if (table, i) not in chosen]
        gone = [x for i, x in enumerate(listed) if (table, i) in chosen]
        for target, part in ((kept, stay), (aside, gone)):
            if part:
                target[table] = part if operation == "BatchWriteItem" else {**value, "Keys": part}
    return kept, aside


def _merge(existing: Any, part: Any) -> Any:
    if existing is None:
        return part
    if isinstance(part, list) and isinstance(existing, list):
        return existing + part
    if isinstance(part, dict) and isinstance(existing, dict):
        return {**part, "Keys": list(existing.get("Keys", [])) + list(part["Keys"])}
    return part
