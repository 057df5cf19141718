"""Normalisation rules as data: the Rule/RuleSet model, validation, YAML load/dump, built-ins."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from awsrec.atomic import atomic_write_bytes
from awsrec.errors import RulesError
from awsrec.normalize.jsonpath import JsonPath
from awsrec.normalize.placeholders import TEMPLATE_RE
from awsrec.normalize.xmlpath import XmlPath

# The fixed order rules are applied in, whatever order a file lists them in. Within one kind,
# built-in common rules come first, then the service's, then the user's; for one location the
# first rule that selects it wins. body-regex runs last so it only sees what the structured
# rules left (e.g. ARNs anywhere in a body or an error message).
WHERE_ORDER = ("header", "query", "path-regex", "xml-path", "json-path", "body-regex")
SERVICES = ("s3", "dynamodb", "lambda")
_RULE_FIELDS = ("where", "match", "replace", "service", "name")
_LOOSE_TEMPLATE_RE = re.compile(r"<[a-z][a-z0-9-]*(?::[A-Za-z0-9]*)?>")


@dataclass(frozen=True)
class Rule:
    """One rule: at locations `where`/`match`, replace the value per `replace`.

    - header: `match` is a header name, case-insensitive, `*` globs allowed (`x-amz-meta-*`);
    - query: `match` is a query parameter name, exact;
    - path-regex: `match` is a regex searched in the request path;
    - xml-path: `match` is an `XmlPath` (`/Error/RequestId`, `//LastModified`);
    - json-path: `match` is a `JsonPath` (`$.Table.TableId`, `$..LastModified`);
    - body-regex: `match` is a regex searched in text bodies; with capture groups only the
      groups are replaced, otherwise the whole match.
    `replace` is `<kind:N>` (numbered placeholder), `<kind>` (constant placeholder, or
    `<timestamp>` / `<account>` which keep the format) or a literal.
    """

    where: str
    match: str
    replace: str
    service: str | None = None
    name: str = ""


@dataclass
class RuleSet:
    """An ordered list of rules with a version; built-in versions go into the cassette header."""

    rules: list[Rule] = field(default_factory=list)
    version: str = ""
    name: str = ""
    # Operations whose request / successful-response body is the user's payload (object data,
    # a Lambda event), which rules must never rewrite.
    opaque_requests: frozenset[str] = frozenset()
    opaque_responses: frozenset[str] = frozenset()


def validate_rule(raw: object, where_from: str, index: int) -> Rule:
    """Build a Rule from parsed data; RulesError names the file, rule index and field."""

    def fail(fld: str, problem: str) -> RulesError:
        return RulesError(f"{where_from}: rule {index}: field '{fld}': {problem}")

    if not isinstance(raw, dict):
        raise RulesError(f"{where_from}: rule {index}: expected a mapping, got {_kind(raw)}")
    for key in raw:
        if key not in _RULE_FIELDS:
            raise fail(str(key), f"unknown field; expected one of {', '.join(_RULE_FIELDS)}")
    for key in ("where", "match", "replace"):
        if key not in raw:
            raise fail(key, "missing")
        if not isinstance(raw[key], str):
            raise fail(key, f"must be a string, got {_kind(raw[key])}")
    where, match, replace = raw["where"], raw["match"], raw["replace"]
    if where not in WHERE_ORDER:
        raise fail("where", f"{where!r} is not one of {', '.join(WHERE_ORDER)}")
    if not match:
        raise fail("match", "must not be empty")
    problem = _check_match(where, match)
    if problem:
        raise fail("match", problem)
    if _LOOSE_TEMPLATE_RE.fullmatch(replace) and not TEMPLATE_RE.fullmatch(replace):
        raise fail("replace", f"{replace!r}: a numbered placeholder is written <kind:N>")
    service = raw.get("service")
    if service is not None and service not in SERVICES:
        raise fail("service", f"{service!r} is not one of {', '.join(SERVICES)}")
    name = raw.get("name", "")
    if not isinstance(name, str):
        raise fail("name", f"must be a string, got {_kind(name)}")
    return Rule(where, match, replace, service, name)


def _check_match(where: str, match: str) -> str | None:
    try:
        if where in ("body-regex", "path-regex"):
            re.compile(match)
        elif where == "xml-path":
            XmlPath.parse(match)
        elif where == "json-path":
            JsonPath.parse(match)
    except re.error as e:
        return f"{match!r}: {e}"
    except ValueError as e:  # the path parsers name the selector themselves
        return str(e)
    return None


def _kind(value: object) -> str:
    return "nothing" if value is None else type(value).__name__


def ruleset_from_data(data: object, where_from: str) -> RuleSet:
    """Validate parsed YAML: a list of rules, or a mapping with `rules` (and `version`)."""
    version = ""
    opaque: dict[str, frozenset[str]] = {}
    if isinstance(data, dict):
        unknown = set(data) - {"version", "rules", "opaque_bodies"}
        if unknown:
            raise RulesError(
                f"{where_from}: unknown top-level key(s): {', '.join(sorted(unknown))}"
            )
        version = str(data.get("version", ""))
        opaque = _opaque_bodies(data.get("opaque_bodies"), where_from)
        data = data.get("rules", [])
    if not isinstance(data, list):
        raise RulesError(f"{where_from}: expected a list of rules, got {_kind(data)}")
    rules = [validate_rule(raw, where_from, i) for i, raw in enumerate(data)]
    return RuleSet(
        rules,
        version,
        name=where_from,
        opaque_requests=opaque.get("request", frozenset()),
        opaque_responses=opaque.get("response", frozenset()),
    )


def _opaque_bodies(raw: object, where_from: str) -> dict[str, frozenset[str]]:
    """`opaque_bodies: {request: [Operation, ...], response: [...]}`, validated."""
    if raw is None:
        return {}
    if not isinstance(raw, dict) or set(raw) - {"request", "response"}:
        raise RulesError(f"{where_from}: opaque_bodies: expected a mapping of request/response")
    out: dict[str, frozenset[str]] = {}
    for side, ops in raw.items():
        if not isinstance(ops, list) or not all(isinstance(op, str) for op in ops):
            raise RulesError(f"{where_from}: opaque_bodies.{side}: expected a list of operations")
        out[side] = frozenset(ops)
    return out


def load_rules_file(path: Path) -> RuleSet:
    """Load and validate a user rules file (YAML)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as e:
        raise RulesError(f"{path}: cannot read rules file: {e.strerror or e}") from e
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise RulesError(f"{path}: not valid YAML{at}: {getattr(e, 'problem', e)}") from e
    if data is None:
        data = []
    return ruleset_from_data(data, str(path))


def dump_rules_file(ruleset: RuleSet, path: Path) -> None:
    """Write a rule set as a YAML rules file that `load_rules_file` accepts."""
    rules = []
    for rule in ruleset.rules:
        raw = {k: v for k, v in asdict(rule).items() if v not in (None, "")}
        rules.append(raw)
    doc: dict[str, Any] = {"version": ruleset.version} if ruleset.version else {}
    opaque = {"request": ruleset.opaque_requests, "response": ruleset.opaque_responses}
    if any(opaque.values()):
        doc["opaque_bodies"] = {side: sorted(ops) for side, ops in opaque.items() if ops}
    doc["rules"] = rules
    text = yaml.safe_dump(doc, sort_keys=False, width=100)
    atomic_write_bytes(Path(path), text.encode("utf-8"))


@cache
def _builtin(name: str) -> RuleSet:
    text = resources.files("awsrec.normalize").joinpath(f"rules/{name}.yaml").read_text("utf-8")
    ruleset = ruleset_from_data(yaml.safe_load(text), f"built-in rules {name}.yaml")
    ruleset.name = name
    return ruleset


def common_rules() -> RuleSet:
    """The built-in rules every service gets, including those awsrec has no rule set for."""
    return _builtin("common")


def builtin_rules(service: str) -> RuleSet:
    """The built-in rules for `service`: the common set followed by the service's own."""
    common = _builtin("common")
    if service not in SERVICES:
        raise RulesError(f"no built-in rules for service {service!r}; known: {', '.join(SERVICES)}")
    own = _builtin(service)
    rules = [*common.rules, *(r for r in own.rules if r.service in (None, service))]
    return RuleSet(
        rules,
        version=f"common-{common.version}+{service}-{own.version}",
        name=service,
        opaque_requests=own.opaque_requests,
        opaque_responses=own.opaque_responses,
    )


def builtin_versions(service: str) -> dict[str, str]:
    """The versions of the built-in sets applied to `service`, for the cassette header."""
    return {"common": _builtin("common").version, service: _builtin(service).version}
