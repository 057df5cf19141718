"""Form from recordings: give a model's answer the header order, layout and wording AWS used."""

from __future__ import annotations

import functools
import json
import re
import uuid
import zlib
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

from awsrec.matching import failed_matchers, probe, probe_recorded
from replayer.server import layout
from replayer.server.ids import HttpDate
from replayer.server.recordings import Recorded, Recordings, error_code
from replayer.state.base import ServeRequest, ServeResponse

Pairs = list[tuple[str, str]]

# Per-request values: fresh on every response.
_VOLATILE = frozenset({"x-amz-request-id", "x-amz-id-2", "x-amzn-requestid", "date"})
# Managed by the HTTP server, never copied from a recording.
_HOP = frozenset({"connection", "keep-alive", "transfer-encoding", "x-awsrec-source"})
# Values that follow the world's state: the model's value, or absent when it gives none.
_STATE = frozenset(
    {
        "etag", "content-length", "content-range", "content-encoding", "content-disposition",
        "content-language", "cache-control", "expires", "last-modified", "content-md5",
        "location", "x-amz-version-id", "x-amz-delete-marker", "x-amz-tagging-count",
        "x-amz-mp-parts-count", "x-amz-storage-class", "x-amz-website-redirect-location",
        "x-amz-missing-meta", "x-amz-crc32", "x-amz-expiration", "x-amz-restore",
        "x-amz-copy-source-version-id", "x-amz-abort-date", "x-amz-abort-rule-id",
        "x-amz-function-error", "x-amz-executed-version", "x-amz-log-result",
        "x-amz-object-lock-mode", "x-amz-object-lock-retain-until-date",
        "x-amz-object-lock-legal-hold", "x-amz-replication-status",
    }
)  # fmt: skip
_STATE_PREFIXES = ("x-amz-meta-", "x-amz-checksum-")
# Error codes whose message depends on the cause, not only on the code: AWS's wording is
# taken only from a recording of an equivalent request.
_PER_CAUSE = frozenset(
    {
        "ValidationException", "InvalidArgument", "InvalidRequest", "SerializationException",
        "InvalidParameterValueException", "InvalidParameterException", "MalformedXML",
        "InvalidParameterCombination", "InvalidParameterValue", "TransactionCanceledException",
    }
)  # fmt: skip
# Placeholders as the normaliser writes them: bare, or XML-escaped inside XML text.
_PLACEHOLDER = re.compile(rb"(?:<|&lt;)(request-id|uuid|date|timestamp|account)(?::\d+)?(?:>|&gt;)")
_ANCHORS = ("content-type", "content-length", "server")


def _is_state(name: str) -> bool:
    return name in _STATE or name.startswith(_STATE_PREFIXES)


class Conformer:
    """Finds the recorded response of the same operation and outcome and conforms to it."""

    def __init__(self, recordings: Recordings) -> None:
        self.recordings = recordings
        self.dates = HttpDate()
        self._json: dict[int, Any] = {}

    def form(self, request: ServeRequest, resp: ServeResponse) -> Recorded | None:
        forms = self.recordings.forms(request.service, request.operation, resp.outcome, resp.status)
        return forms[0] if forms else None

    def conform(
        self,
        request: ServeRequest,
        resp: ServeResponse,
        body: bytes | None = None,
        form: Recorded | None = None,
    ) -> tuple[ServeResponse, str]:
        """(response, source): source is "recording" when a recording gave the form.

        `body` is the request body when the pipeline kept it (JSON and query protocols), for
        deciding whether a recorded error's wording applies to this request.
        """
        form = form or self.form(request, resp)
        if form is None:
            return resp, "model"
        recorded = form.interaction.response
        message = self._wording(request, resp, form, body) if resp.outcome != "ok" else None
        out = ServeResponse(
            resp.status, self.headers(request, resp, recorded.headers), resp.body, resp.outcome
        )
        if (
            isinstance(resp.body, bytes)
            and resp.body
            and recorded.body
            and request.operation not in _user_bodies(request.service)
        ):
            out.body = self._layout(resp.body, form, message)
            out.headers = _with_crc32(out.headers, out.body)
        return out, "recording"

    def headers(self, request: ServeRequest, resp: ServeResponse, recorded: Pairs) -> Pairs:
        """Recorded header set and order; model values for state, fresh volatile values."""
        model: dict[str, Pairs] = {}
        for name, value in resp.headers:
            model.setdefault(name.lower(), []).append((name, value))
        out: Pairs = []
        done: set[str] = set()
        anchor: int | None = None
        for name, value in recorded:
            lname = name.lower()
            if lname in _HOP or lname in done:
                continue
            done.add(lname)
            if lname in _VOLATILE:
                out.append((name, self.fresh(lname, request, model)))
            elif lname in model:
                keep_recorded = lname == "x-amzn-errortype" and value.split(":")[0] == resp.outcome
                out.extend(
                    [(name, value)] if keep_recorded else [(name, v) for _, v in model[lname]]
                )
            elif _is_state(lname):
                anchor = len(out) if anchor is None else anchor
            else:
                out.append((name, value))
        extras = [
            (n, v) for n, v in resp.headers if n.lower() not in done and n.lower() not in _HOP
        ]
        if anchor is None:
            found = [i for i, (n, _) in enumerate(out) if n.lower() in _ANCHORS]
            anchor = found[0] if found else len(out)
        out[anchor:anchor] = extras
        return out

    def fresh(self, lname: str, request: ServeRequest, model: dict[str, Pairs]) -> str:
        if lname in model:
            return model[lname][0][1]
        if lname == "date":
            return self.dates.now()
        if lname == "x-amz-id-2":
            return str(request.flags.get("host_id", ""))
        return request.request_id

    def _layout(self, body: bytes, form: Recorded, message: str | None) -> bytes:
        recorded = form.interaction.response.body
        if body.lstrip()[:1] == b"{":
            key = id(form)
            if key not in self._json:
                try:
                    self._json[key] = json.loads(recorded)
                except ValueError:
                    self._json[key] = None
            return layout.json_body(body, self._json[key], message)
        if body.lstrip()[:1] == b"<":
            return layout.xml_body(body, recorded, message)
        return body

    def _wording(
        self, request: ServeRequest, resp: ServeResponse, form: Recorded, body: bytes | None
    ) -> str | None:
        """AWS's recorded message for this error, when it is safe to reuse here."""
        recorded = form.interaction.response
        if error_code(recorded.status, recorded.headers, recorded.body) != resp.outcome:
            return None
        message = layout.recorded_message(recorded.body)
        if message is None or _resource_specific(message, form):
            return None
        if resp.outcome in _PER_CAUSE:
            live = probe(
                request.service, request.operation, request.method, request.path,
                request.query, request.headers.items(), body if body is not None else b"",
            )  # fmt: skip
            failed = failed_matchers(live, probe_recorded(form.interaction))
            if failed and (failed != ["body"] or body is not None):
                return None
        return message

    def replay(self, form: Recorded, request: ServeRequest) -> ServeResponse:
        """A recorded response served as is, with fresh volatile values."""
        recorded = form.interaction.response
        head = request.method == "HEAD"
        headers: Pairs = []
        for name, value in recorded.headers:
            lname = name.lower()
            if lname in _HOP or (lname == "content-length" and not head):
                continue
            headers.append((name, self.fresh(lname, request, {}) if lname in _VOLATILE else value))
        body = fill_placeholders(bytes(recorded.body), request, self.dates.now)
        return ServeResponse(recorded.status, _with_crc32(headers, body), body, form.outcome)


@functools.cache
def _user_bodies(service: str) -> frozenset[str]:
    """Operations whose response body is the user's data (GetObject, Invoke): never re-laid out.

    The normalisation rules already name them (opaque_bodies); loading the rules is deferred
    to the first recorded form, so serving without cassettes never reads them.
    """
    from awsrec.errors import RulesError
    from awsrec.normalize import builtin_rules

    try:
        return builtin_rules(service).opaque_responses
    except RulesError:  # a service without a rule set (sts)
        return frozenset()


def _with_crc32(headers: Pairs, body: bytes) -> Pairs:
    """DynamoDB's x-amz-crc32 recomputed over the body actually sent.

    botocore checks it and retries on a mismatch (so the model would see a write twice); the
    body changes whenever the recorded layout reorders it or placeholders are filled in.
    """
    return [
        (name, str(zlib.crc32(body)) if name.lower() == "x-amz-crc32" else value)
        for name, value in headers
    ]


def _resource_specific(message: str, form: Recorded) -> bool:
    """Whether a recorded message names the recorded request's resources (bucket, table...)."""
    if "arn:" in message:
        return True
    req = form.interaction.request
    names = [seg for seg in unquote(req.path).split("/") if len(seg) >= 3]
    if req.body[:1] == b"{":
        try:
            doc = json.loads(req.body)
        except ValueError:
            doc = {}
        if isinstance(doc, dict):
            names += [v for k, v in doc.items() if k.endswith("Name") and isinstance(v, str)]
    return any(name in message for name in names)


def fill_placeholders(body: bytes, request: ServeRequest, now: Callable[[], str]) -> bytes:
    """Replace normalisation placeholders in a recorded body with fresh, plausible values."""
    if b"<" not in body and b"&lt;" not in body:
        return body

    def value(m: re.Match[bytes]) -> bytes:
        kind = m.group(1)
        if kind == b"request-id":
            return request.request_id.encode()
        if kind == b"uuid":
            return str(uuid.uuid4()).encode()
        if kind == b"account":
            return request.account.encode()
        if kind == b"timestamp":
            return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z").encode()
        return now().encode()

    return _PLACEHOLDER.sub(value, body)
