"""World W0 from cassettes: functions read before being created, and recorded invocations.

A function recorded from real AWS has no code in the world; its invocations are answered from
the cassette by payload match (`RecordedInvokes`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from awsrec.aws.operations import identify_operation
from awsrec.cassette import Interaction
from replayer.state.lambda_.store import Function
from replayer.state.lambda_.world import split_name

Doc = dict[str, Any]
_READS = ("GetFunction", "GetFunctionConfiguration")


def _labels(it: Interaction) -> dict[str, str]:
    req = it.request
    match = identify_operation(
        "lambda", req.method, req.path, list(req.query), list(req.headers), bytes(req.body)
    )
    return dict(match.labels) if match is not None else {}


def _canonical(payload: bytes) -> bytes:
    try:
        return json.dumps(json.loads(payload or b"null"), sort_keys=True).encode()
    except ValueError:
        return payload


@dataclass
class RecordedInvokes:
    """Recorded Invoke responses by (function, qualifier, canonical payload), played in order."""

    by_key: dict[tuple[str, str, bytes], list[Interaction]] = field(default_factory=dict)
    played: dict[tuple[str, str, bytes], int] = field(default_factory=dict)

    def add(self, it: Interaction) -> None:
        labels = _labels(it)
        name, qual = split_name(labels.get("FunctionName", ""))
        key = (name, labels.get("Qualifier") or qual or "", _canonical(bytes(it.request.body)))
        self.by_key.setdefault(key, []).append(it)

    def find(self, name: str, qualifier: str | None, payload: bytes) -> Interaction | None:
        key = (name, qualifier or "", _canonical(payload))
        found = self.by_key.get(key)
        if not found:
            return None
        n = self.played.get(key, 0)
        self.played[key] = n + 1
        return found[min(n, len(found) - 1)]

    def reset(self) -> None:
        self.played.clear()


def world0(interactions: Iterable[Interaction]) -> tuple[dict[str, Doc], RecordedInvokes]:
    """(configurations of functions that existed before the cassette, recorded invocations)."""
    created: set[str] = set()
    seeded: dict[str, Doc] = {}
    invokes = RecordedInvokes()
    for it in interactions:
        if it.service != "lambda":
            continue
        if it.operation == "Invoke":
            invokes.add(it)
            continue
        name, _ = split_name(_labels(it).get("FunctionName", ""))
        if it.operation == "CreateFunction" and it.response.status < 300:
            created.add(name)
        if it.operation in _READS and it.response.status == 200 and name not in created:
            try:
                doc = json.loads(bytes(it.response.body))
            except ValueError:
                continue
            cfg = doc.get("Configuration", doc)
            if cfg.get("Version", "$LATEST") == "$LATEST" and name not in seeded:
                seeded[name] = cfg
    return seeded, invokes


def seeded_function(name: str, cfg: Doc) -> Function:
    return Function(name, dict(cfg), recorded=True)
