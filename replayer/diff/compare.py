"""Compare a recorded response with a target's: status, errors, contract headers, parsed body."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from deepdiff import DeepDiff

from awsrec.cassette import Response
from replayer.diff.bodies import ErrorInfo, ParsedBody, Tree, error_info, parse_body
from replayer.diff.headers import compare_headers
from replayer.diff.ignore import NOTHING, Ignore
from replayer.diff.model import Difference, Severity
from replayer.diff.ordering import ACCOUNT_LISTINGS, canonical_order

# Placeholders are numbered per cassette ("<request-id:3>"); the two sides number independently,
# so only the kind is compared.
_NUMBERED = re.compile(r"<([a-z][a-z0-9-]*):\d+>")
# The same in raw bodies, where XML escapes the angle brackets.
_NUMBERED_RAW = re.compile(rb"(<|&lt;)([a-z][a-z0-9-]*):\d+(>|&gt;)")
# Error documents: these fields are compared as code/message, or are volatile ids.
_ERROR_FIELDS = frozenset({"Code", "Message", "message", "__type", "RequestId", "HostId", "Type"})

_BODY_SEVERITY = {
    "dictionary_item_removed": (Severity.MAJOR, "body-missing"),
    "iterable_item_removed": (Severity.MAJOR, "body-missing"),
    "dictionary_item_added": (Severity.INFO, "body-extra"),
    "iterable_item_added": (Severity.MAJOR, "body-extra-item"),
    "values_changed": (Severity.MAJOR, "body-value"),
    "type_changes": (Severity.MAJOR, "body-type"),
}


_KIND = re.compile(r"^<([a-z][a-z0-9-]*)(?::[^>]*)?>$")


def _same_kind(a: object, b: object) -> bool:
    """Both values are placeholders of one kind (their format qualifiers may differ)."""
    if not isinstance(a, str) or not isinstance(b, str):
        return False
    ma, mb = _KIND.match(a), _KIND.match(b)
    return ma is not None and mb is not None and ma.group(1) == mb.group(1)


def _status_class(status: int) -> int:
    return status // 100


def _short(value: object, limit: int = 300) -> str | None:
    if value is None or type(value).__name__ == "NotPresent":
        return None
    text = value if isinstance(value, str) else json.dumps(value, default=str, sort_keys=True)
    return text if len(text) <= limit else text[:limit] + "..."


def _compare_outcome(
    expected: Response, actual: Response, exp_err: ErrorInfo | None, act_err: ErrorInfo | None
) -> tuple[list[Difference], bool]:
    """Status and error differences; the flag says a critical outcome mismatch ends comparison."""
    exp_desc = f"{expected.status} {exp_err.code}" if exp_err else str(expected.status)
    act_desc = f"{actual.status} {act_err.code}" if act_err else str(actual.status)
    if (exp_err is None) != (act_err is None):
        return [Difference(Severity.CRITICAL, "outcome", "status", exp_desc, act_desc)], True
    out: list[Difference] = []
    if _status_class(expected.status) != _status_class(actual.status):
        out.append(Difference(Severity.CRITICAL, "status-class", "status", exp_desc, act_desc))
    elif expected.status != actual.status:
        out.append(Difference(Severity.MAJOR, "status", "status", exp_desc, act_desc))
    if exp_err is not None and act_err is not None:
        if exp_err.code != act_err.code:
            codes = (exp_err.code, act_err.code)
            out.append(Difference(Severity.CRITICAL, "error-code", "error.code", *codes))
        exp_msg = _NUMBERED.sub(r"<\1>", exp_err.message)
        act_msg = _NUMBERED.sub(r"<\1>", act_err.message)
        if exp_msg != act_msg:
            out.append(
                Difference(Severity.MINOR, "error-message", "error.message", exp_msg, act_msg)
            )
    return out, False


def _path(parts: list[object], t1: object, t2: object, xml: bool) -> str:
    """The deepdiff path list as "A.B[2].C"; XML's one-element lists leave no index."""
    text = ""
    nodes = [t1, t2]
    for part in parts:
        if isinstance(part, int):
            lists = [n for n in nodes if isinstance(n, list)]
            if not (xml and lists and all(len(n) == 1 for n in lists)):
                text += f"[{part}]"
            nodes = [n[part] if isinstance(n, list) and part < len(n) else None for n in nodes]
        else:
            text += f".{part}" if text else str(part)
            nodes = [n.get(part) if isinstance(n, dict) else None for n in nodes]  # type: ignore[call-overload]
    return text


def _order_differences(exp: object, act: object, path: str) -> Iterator[Difference]:
    """XML child elements in a different order (content compared elsewhere): minor."""
    if isinstance(exp, dict) and isinstance(act, dict):
        common = [k for k in exp if k in act]
        act_common = [k for k in act if k in exp]
        if common != act_common:
            yield Difference(
                Severity.MINOR, "element-order", f"body:{path}" if path else "body",
                ",".join(common), ",".join(act_common),
            )  # fmt: skip
        for key in common:
            yield from _order_differences(exp[key], act[key], f"{path}.{key}" if path else key)
    elif isinstance(exp, list) and isinstance(act, list):
        for e, a in zip(exp, act, strict=False):
            yield from _order_differences(e, a, path)


Found = tuple[str, list[object], object, object]  # (deepdiff report type, path, t1, t2)


def _localise(t1: object, t2: object, parts: list[object]) -> Iterator[Found]:
    """The smallest differing subtrees; deepdiff only aligns lists whose lengths differ.

    deepdiff on a whole document costs tens of milliseconds; descending through equal
    structure first makes a typical differing pair cost tens of microseconds.
    """
    if isinstance(t1, dict) and isinstance(t2, dict):
        for key, v1 in t1.items():
            if key not in t2:
                yield "dictionary_item_removed", [*parts, key], v1, None
            elif v1 != t2[key]:
                yield from _localise(v1, t2[key], [*parts, key])
        for key, v2 in t2.items():
            if key not in t1:
                yield "dictionary_item_added", [*parts, key], None, v2
    elif isinstance(t1, list) and isinstance(t2, list):
        if len(t1) == len(t2):
            for i, (v1, v2) in enumerate(zip(t1, t2, strict=True)):
                if v1 != v2:
                    yield from _localise(v1, v2, [*parts, i])
            return
        result = DeepDiff(t1, t2, view="tree", verbose_level=2, cache_size=0)
        for report, items in result.items():
            for item in items:
                yield report, [*parts, *item.path(output_format="list")], item.t1, item.t2
    elif type(t1) is not type(t2):
        yield "type_changes", parts, t1, t2
    elif t1 != t2:
        yield "values_changed", parts, t1, t2


def _tree_differences(
    t1: Tree, t2: Tree, *, xml: bool, listing: bool, cap: Severity | None
) -> Iterator[Difference]:
    if t1 == t2:
        return
    for report, parts, v1, v2 in _localise(t1, t2, []):
        severity, kind = _BODY_SEVERITY.get(report, (Severity.MAJOR, "body-" + report))
        if report == "iterable_item_added" and listing:
            severity = Severity.INFO
        if cap is not None and severity > cap:
            severity = cap
        where = _path(parts, t1, t2, xml)
        where = f"body:{where}" if where else "body"
        if report == "values_changed" and _same_kind(v1, v2):
            # "<timestamp:iso8601>" vs "<timestamp:iso8601-ms>": same value, other format.
            yield Difference(Severity.MINOR, "value-format", where, _short(v1), _short(v2))
            continue
        yield Difference(severity, kind, where, _short(v1), _short(v2))


def _strip_error_fields(tree: Tree) -> Tree:
    if isinstance(tree, dict):
        if len(tree) == 1:
            ((root, inner),) = tree.items()
            if isinstance(inner, list) and len(inner) == 1 and isinstance(inner[0], dict):
                return {root: [_strip_error_fields(inner[0])]}  # XML <Error> root
        return {k: v for k, v in tree.items() if k not in _ERROR_FIELDS}
    return tree


def _compare_bodies(
    service: str, operation: str, exp: ParsedBody, act: ParsedBody, is_error: bool
) -> list[Difference]:
    if exp.kind == "empty":
        if act.kind == "empty":
            return []
        return [Difference(Severity.INFO, "body-extra", "body", None, f"{len(act.raw)} bytes")]
    if act.kind != exp.kind:
        severity = Severity.MINOR if is_error else Severity.MAJOR
        return [Difference(severity, "body-format", "body", exp.kind, act.kind)]
    if exp.kind == "bytes":
        if exp.raw == act.raw:
            return []
        return [Difference(Severity.MAJOR, "body-content", "body", _short(exp.raw.decode(
            "utf-8", "replace")), _short(act.raw.decode("utf-8", "replace")))]  # fmt: skip
    out: list[Difference] = []
    xml = exp.kind == "xml"
    t1, t2 = exp.tree, act.tree
    if xml and exp.namespace != act.namespace:
        namespaces = (exp.namespace, act.namespace)
        out.append(Difference(Severity.MINOR, "xml-namespace", "body", *namespaces))
    if is_error:
        t1, t2 = _strip_error_fields(t1), _strip_error_fields(t2)
    if t1 != t2:
        t1 = canonical_order(service, operation, t1, exp.raw)
        t2 = canonical_order(service, operation, t2, act.raw)
    cap = Severity.MINOR if is_error else None
    listing = (service, operation) in ACCOUNT_LISTINGS
    out.extend(_tree_differences(t1, t2, xml=xml, listing=listing, cap=cap))
    if xml:
        out.extend(_order_differences(t1, t2, ""))
    return out


def _unnumber_raw(body: bytes) -> bytes:
    return _NUMBERED_RAW.sub(rb"\1\2\3", body)


def compare_responses(
    service: str,
    operation: str,
    expected: Response,
    actual: Response,
    *,
    ignore: Ignore = NOTHING,
) -> list[Difference]:
    """All differences between the recorded `expected` and the target's `actual` response.

    Both must already be normalised with the same rules and have names mapped back.
    """
    same_body = expected.body == actual.body
    if not same_body and (b"<" in expected.body or b"&lt;" in expected.body):
        # Placeholder numbers differ between sides by construction; compare without them.
        expected = Response(expected.status, expected.headers, _unnumber_raw(expected.body))
        actual = Response(actual.status, actual.headers, _unnumber_raw(actual.body))
        same_body = expected.body == actual.body
    exp_body = parse_body(service, operation, expected)
    act_body = exp_body if same_body else parse_body(service, operation, actual)
    exp_err = error_info(service, expected, exp_body)
    act_err = error_info(service, actual, act_body)
    out, decisive = _compare_outcome(expected, actual, exp_err, act_err)
    if not decisive:
        opaque = exp_body.kind in ("bytes", "empty")
        out.extend(
            compare_headers(
                service, expected.headers, actual.headers,
                opaque_body=opaque, is_error=exp_err is not None,
            )
        )  # fmt: skip
        if not same_body:
            out.extend(_compare_bodies(service, operation, exp_body, act_body, exp_err is not None))
    if ignore is NOTHING:
        return out
    return [d for d in out if not ignore.where(d.where)]
