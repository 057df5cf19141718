"""Contract-header comparison: presence, and value where the value is deterministic."""

from __future__ import annotations

import functools
import re

from awsrec.aws.protocol import is_contract_header
from replayer.diff.model import Difference, Severity

# Present on both sides is all that can be asked: ids, dates and CRCs of bodies that carry them.
PRESENCE_ONLY = frozenset(
    {"x-amz-request-id", "x-amz-id-2", "x-amzn-requestid", "x-amz-crc32", "x-amz-log-result",
     "date", "x-amz-version-id", "location", "x-amzn-errortype"}
)  # fmt: skip
# Data-carrying values: a different value is wrong data (major), not a format question.
DATA_VALUES = frozenset(
    {"content-range", "x-amz-function-error", "x-amz-executed-version", "x-amz-delete-marker",
     "x-amz-storage-class", "x-amz-tagging-count", "x-amz-server-side-encryption"}
)  # fmt: skip
# Transport and server-identity headers say nothing about AWS fidelity.
TRANSPORT = frozenset(
    {"connection", "keep-alive", "transfer-encoding", "server", "date", "vary", "x-awsrec-source",
     "access-control-allow-origin", "access-control-expose-headers", "proxy-connection"}
)  # fmt: skip

# RFC 7231 IMF-fixdate, the only format AWS sends in Last-Modified.
# https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html#API_HeadObject_ResponseSyntax
_IMF_FIXDATE = re.compile(r"^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$")
_PLACEHOLDER = re.compile(r"^<([a-z][a-z0-9-]*)(?::([^>]*))?>$")


@functools.cache
def is_contract(service: str, lname: str) -> bool:
    """Whether lower-cased header `lname` belongs to `service`'s contract."""
    return is_contract_header(service, lname)


def _lower_map(headers: list[tuple[str, str]]) -> dict[str, tuple[str, str]]:
    out: dict[str, tuple[str, str]] = {}
    for name, value in headers:
        out.setdefault(name.lower(), (name, value))
    return out


def _value_difference(
    lname: str, name: str, exp: str, act: str, opaque_body: bool
) -> Difference | None:
    if exp == act or lname in PRESENCE_ONLY:
        return None
    where = f"header:{name}"
    exp_ph, act_ph = _PLACEHOLDER.match(exp), _PLACEHOLDER.match(act)
    numbered = (
        exp_ph
        and act_ph
        and (exp_ph.group(2) or "0").isdigit()
        and (act_ph.group(2) or "0").isdigit()
    )
    if exp_ph and act_ph and exp_ph.group(1) == act_ph.group(1) and not numbered:
        # "<timestamp:http>" vs "<timestamp:iso8601>": the same volatile value in another format.
        return Difference(Severity.MINOR, "header-format", where, exp, act)
    if exp_ph or act_ph:
        return None  # a volatile value on one side only: presence is what counts
    if lname == "last-modified":
        if _IMF_FIXDATE.match(exp) and not _IMF_FIXDATE.match(act):
            return Difference(Severity.MINOR, "header-format", where, exp, act)
        return None  # the time itself is state, not contract
    if lname == "content-type":
        if exp.split(";")[0].strip().lower() != act.split(";")[0].strip().lower():
            return Difference(Severity.MINOR, "header-format", where, exp, act)
        return None
    if lname == "etag":
        if exp.strip('"') == act.strip('"'):
            return Difference(Severity.MINOR, "header-format", where, exp, act)
        return Difference(Severity.MAJOR, "header-value", where, exp, act)
    if lname == "content-length":
        # Protocol documents carry ids of different lengths; only payload sizes are data.
        if opaque_body:
            return Difference(Severity.MAJOR, "header-value", where, exp, act)
        return None
    if lname in DATA_VALUES or lname.startswith(("x-amz-checksum-", "x-amz-meta-")):
        return Difference(Severity.MAJOR, "header-value", where, exp, act)
    if lname == "accept-ranges":
        return Difference(Severity.MINOR, "header-format", where, exp, act)
    return None


def compare_headers(
    service: str,
    expected: list[tuple[str, str]],
    actual: list[tuple[str, str]],
    *,
    opaque_body: bool,
    is_error: bool,
) -> list[Difference]:
    """Differences between two header lists; contract headers missing on the target are major."""
    exp = _lower_map(expected)
    act = _lower_map(actual)
    out: list[Difference] = []
    for lname, (name, value) in exp.items():
        if lname in TRANSPORT:
            continue
        got = act.get(lname)
        if got is None:
            # Errors carry no ETag/Last-Modified contract; ids and Content-Type still count.
            severity = Severity.MAJOR if is_contract(service, lname) else Severity.INFO
            if is_error and lname in ("etag", "last-modified", "accept-ranges"):
                severity = Severity.INFO
            out.append(Difference(severity, "header-missing", f"header:{name}", value, None))
        elif is_contract(service, lname):
            diff = _value_difference(lname, name, value, got[1], opaque_body)
            if diff is not None:
                out.append(diff)
    for lname, (name, value) in act.items():
        if lname not in exp and lname not in TRANSPORT:
            out.append(Difference(Severity.INFO, "header-extra", f"header:{name}", None, value))
    return out
