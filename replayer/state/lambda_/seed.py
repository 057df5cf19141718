"""World W0 from cassettes: functions that existed before the cassette, and recorded invocations.

A function the cassette reads (GetFunction, GetFunctionConfiguration) or invokes successfully
before creating it existed in W0. The world holds its configuration (from the read) but never
its code, so its invocations are answered from the cassette by payload match
(`RecordedInvokes`); a payload that was never recorded is not guessed.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from awsrec.aws.errors import AwsError
from awsrec.aws.operations import identify_operation
from awsrec.cassette import Interaction
from replayer.state.lambda_.store import LATEST, Function
from replayer.state.lambda_.world import split_name

Doc = dict[str, Any]
_READS = ("GetFunction", "GetFunctionConfiguration")
# A normalisation placeholder as the recorder writes it (`<uuid:3>`, `<date>`): it stands for
# a value that differs between runs, so it matches any value of the live request.
_PLACEHOLDER = re.compile(r"^<[a-z][a-z0-9-]*(?::\d+)?>$")
_IN_BODY = re.compile(rb"<(request-id|uuid|account)(?::\d+)?>")


def _labels(it: Interaction) -> dict[str, str]:
    req = it.request
    match = identify_operation(
        "lambda", req.method, req.path, list(req.query), list(req.headers), bytes(req.body)
    )
    return dict(match.labels) if match is not None else {}


def _parsed(payload: bytes) -> Any:
    """The payload as JSON (an empty one is `null`), or the raw bytes when it is not JSON."""
    try:
        return json.loads(payload or b"null")
    except (ValueError, RecursionError):
        return bytes(payload)


def payload_matches(recorded: Any, live: Any) -> bool:
    """Equal as JSON, where a recorded placeholder string matches any live value."""
    if isinstance(recorded, str) and _PLACEHOLDER.match(recorded):
        return True
    if isinstance(recorded, dict):
        return (
            isinstance(live, dict)
            and recorded.keys() == live.keys()
            and all(payload_matches(v, live[k]) for k, v in recorded.items())
        )
    if isinstance(recorded, list):
        return (
            isinstance(live, list)
            and len(recorded) == len(live)
            and all(payload_matches(r, v) for r, v in zip(recorded, live, strict=True))
        )
    return type(recorded) is type(live) and bool(recorded == live)


@dataclass
class _Recorded:
    payload: Any  # parsed
    answers: list[Interaction]  # in recording order
    played: int = 0


Key = tuple[str, str, str]  # (function name, qualifier as the caller named it or "", type)


@dataclass
class RecordedInvokes:
    """Recorded Invoke exchanges by function, qualifier and InvocationType, matched by payload.

    The n-th live invocation with a payload gets the n-th recorded answer to it, then the
    last one again (as opaque replay does).
    """

    by_key: dict[Key, list[_Recorded]] = field(default_factory=dict)

    def add(self, it: Interaction) -> None:
        labels = _labels(it)
        try:
            name, qual = split_name(labels.get("FunctionName", ""))
        except AwsError:
            return  # the recorded request named no function: it answers nothing here
        kind = it.request.header("X-Amz-Invocation-Type") or "RequestResponse"
        key = (name, labels.get("Qualifier") or qual or "", kind)
        payload = _parsed(bytes(it.request.body))
        entries = self.by_key.setdefault(key, [])
        for entry in entries:
            if entry.payload == payload:
                entry.answers.append(it)
                return
        entries.append(_Recorded(payload, [it]))

    def find(
        self, name: str, qualifier: str | None, kind: str, payload: bytes
    ) -> Interaction | None:
        live = _parsed(payload)
        for entry in self.by_key.get((name, qualifier or "", kind), []):
            if payload_matches(entry.payload, live):
                entry.played += 1
                return entry.answers[min(entry.played, len(entry.answers)) - 1]
        return None

    def recorded_payloads(self, name: str, qualifier: str | None, kind: str) -> list[bytes]:
        """What was recorded for this function, qualifier and type, for a miss's message."""
        entries = self.by_key.get((name, qualifier or "", kind), [])
        return [bytes(e.answers[0].request.body) for e in entries]

    def functions(self) -> set[str]:
        """Functions that answered an invocation successfully in the recording."""
        return {
            name
            for (name, _, _), entries in self.by_key.items()
            if any(a.response.status < 300 for e in entries for a in e.answers)
        }

    def reset(self) -> None:
        for entries in self.by_key.values():
            for entry in entries:
                entry.played = 0


@dataclass
class World0:
    """Functions that existed before the cassette ($LATEST and the versions read), by name."""

    latest: dict[str, Doc] = field(default_factory=dict)
    versions: dict[str, dict[str, Doc]] = field(default_factory=dict)

    def functions(self) -> dict[str, Function]:
        out = {}
        for name, cfg in self.latest.items():
            versions = {v: dict(c) for v, c in self.versions.get(name, {}).items()}
            out[name] = Function(name, dict(cfg), versions=versions, recorded=True)
        return out


def world0(interactions: Iterable[Interaction]) -> tuple[World0, RecordedInvokes]:
    """(functions that existed before the cassette, recorded invocations)."""
    created: set[str] = set()
    w0 = World0()
    invokes = RecordedInvokes()
    for it in interactions:
        if it.service != "lambda":
            continue
        name = _function_name(it)
        if it.operation == "CreateFunction" and it.response.status < 300:
            created.add(name)
        if name in created:
            continue  # its invocations run its code, which the world holds
        if it.operation == "Invoke":
            invokes.add(it)
        elif it.operation in _READS and it.response.status == 200:
            _read(w0, name, bytes(it.response.body))
    for name in invokes.functions() - w0.latest.keys():
        # Invoked but never read: the name is all the recording says about its configuration.
        w0.latest[name] = {"FunctionName": name}
    return w0, invokes


def _function_name(it: Interaction) -> str:
    """The function an interaction is about: a URI label, or CreateFunction's body member."""
    label = _labels(it).get("FunctionName")
    if label is None and it.operation == "CreateFunction":
        doc = _parsed(bytes(it.request.body))
        label = str(doc.get("FunctionName") or "") if isinstance(doc, dict) else ""
    try:
        return split_name(label or "")[0]
    except AwsError:  # not a function ARN: nothing this world can hold
        return ""


def _read(w0: World0, name: str, body: bytes) -> None:
    try:
        doc = json.loads(body)
    except ValueError:
        return
    if not isinstance(doc, dict):
        return
    cfg = doc.get("Configuration", doc)
    version = str(cfg.get("Version") or LATEST)
    if version == LATEST:
        w0.latest.setdefault(name, cfg)
    else:
        w0.versions.setdefault(name, {}).setdefault(version, cfg)


def fill_placeholders(body: bytes, request_id: str, account: str) -> bytes:
    """A recorded payload's placeholders as fresh values (one uuid per numbered placeholder)."""
    if b"<" not in body:
        return body
    fresh: dict[bytes, bytes] = {}

    def value(m: re.Match[bytes]) -> bytes:
        kind = m.group(1)
        if kind == b"request-id":
            return request_id.encode()
        if kind == b"account":
            return account.encode()
        return fresh.setdefault(m.group(0), str(uuid.uuid4()).encode())

    return _IN_BODY.sub(value, body)
