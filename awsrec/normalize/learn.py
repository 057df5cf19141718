"""Noise learning: propose rules for values that differ between two runs of one scenario."""

from __future__ import annotations

import re
from collections import defaultdict

from awsrec.cassette import Interaction, Pairs
from awsrec.normalize.jsonpath import Path, json_scalars, looks_like_json
from awsrec.normalize.normaliser import Normaliser
from awsrec.normalize.placeholders import timestamp_format
from awsrec.normalize.rules import Rule, RuleSet
from awsrec.normalize.xmlpath import looks_like_xml, xml_leaves

_UUID_RE = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)
_NAME_RE = re.compile(r"[A-Za-z_][\w-]*")
LEARNED_VERSION = "learned-1"


def learn_noise(
    run_a: list[Interaction], run_b: list[Interaction], extra: RuleSet | None = None
) -> RuleSet:
    """Rules for header values, XML paths and JSON paths that differ between two runs.

    Both runs are first normalised with the built-in rules (plus `extra`), each with its own
    placeholder table, so only noise the rules do not already cover is proposed. Interactions
    are paired by (service, operation, n-th occurrence).
    """
    a = [Normaliser(extra).normalise(i) for i in run_a]
    b = [Normaliser(extra).normalise(i) for i in run_b]
    proposed: dict[tuple[str, str, str | None], Rule] = {}
    for left, right in _pairs(a, b):
        for rule in _differences(left, right):
            proposed.setdefault((rule.where, rule.match, rule.service), rule)
    return RuleSet(list(proposed.values()), version=LEARNED_VERSION, name="learned")


def _pairs(a: list[Interaction], b: list[Interaction]) -> list[tuple[Interaction, Interaction]]:
    seen: dict[tuple[str, str], list[Interaction]] = defaultdict(list)
    for inter in b:
        seen[(inter.service, inter.operation)].append(inter)
    counts: dict[tuple[str, str], int] = defaultdict(int)
    pairs = []
    for inter in a:
        key = (inter.service, inter.operation)
        n = counts[key]
        counts[key] += 1
        if n < len(seen[key]):
            pairs.append((inter, seen[key][n]))
    return pairs


def _differences(a: Interaction, b: Interaction) -> list[Rule]:
    service, op = a.service, a.operation
    found: list[Rule] = []
    for side, (ha, hb) in (
        ("request", (a.request.headers, b.request.headers)),
        ("response", (a.response.headers, b.response.headers)),
    ):
        for name, va, vb in _header_diffs(ha, hb):
            found.append(Rule("header", name, _guess(va, vb), service, f"learned: {op} {side}"))
    ta, tb = _text(a.response.body), _text(b.response.body)
    if ta is not None and tb is not None:
        if looks_like_xml(ta) and looks_like_xml(tb):
            found += _xml_diffs(ta, tb, service, op)
        elif looks_like_json(ta) and looks_like_json(tb):
            found += _json_diffs(ta, tb, service, op)
    return found


def _header_diffs(a: Pairs, b: Pairs) -> list[tuple[str, str, str]]:
    vb = {k.lower(): v for k, v in b}
    return [(k, v, vb[k.lower()]) for k, v in a if k.lower() in vb and vb[k.lower()] != v]


def _text(body: bytes) -> str | None:
    try:
        return body.decode("utf-8") if body else None
    except UnicodeDecodeError:
        return None


def _xml_diffs(a: str, b: str, service: str, op: str) -> list[Rule]:
    leaves_b = dict(xml_leaves(b))
    rules = []
    for stack, va in xml_leaves(a):
        vb = leaves_b.get(stack)
        if vb is not None and vb != va:
            match = "/" + "/".join(stack)
            rules.append(Rule("xml-path", match, _guess(va, vb), service, f"learned: {op}"))
    return rules


def _json_diffs(a: str, b: str, service: str, op: str) -> list[Rule]:
    scalars_b = {path: value for path, _s, _e, value, _str in json_scalars(b)}
    rules = []
    for path, _s, _e, va, _str in json_scalars(a):
        vb = scalars_b.get(path)
        if vb is not None and vb != va:
            rules.append(
                Rule("json-path", _json_selector(path), _guess(va, vb), service, f"learned: {op}")
            )
    return rules


def _json_selector(path: Path) -> str:
    # List positions are generalised: the same field of every element is noise.
    return "$" + "".join(
        "[*]" if isinstance(p, int) else f".{p}" if _NAME_RE.fullmatch(p) else f"['{p}']"
        for p in path
    )


def _guess(a: str, b: str) -> str:
    """The placeholder template that fits both values."""
    if _UUID_RE.fullmatch(a) and _UUID_RE.fullmatch(b):
        return "<uuid:N>"
    if timestamp_format(a) != "other" and timestamp_format(b) != "other":
        return "<timestamp>"
    return "<noise:N>"
