"""Fault rules as data: the schema of `--faults FILE` and its validation, naming line and field.

A rules file is a list of rules, or `{seed: N, rules: [...]}`. A rule:

    - id: slow-uploads                  # optional; default rule-N
      match: {service: s3, operation: [PutObject, UploadPart], bucket: "up-*", key: "*.bin",
              table: "orders*", function: "fn-*", method: PUT, headers: [content-md5]}
      when: {probability: 0.1, seed: 7, nth: 3, every: 5, after: 10, first: 2,
             window: {start: 0, end: 30}}          # all optional, all must hold
      do: {error: SlowDown} | {error: {code: SlowDown, status: 503, message: ..., retry_after: 1}}
          | {unprocessed: 0.5} | {reset: before_headers | after_headers | {after_bytes: N}}
          | {truncate: N} | {stall: true | {seconds: N}}
          | {delay: MS | {ms: 100, jitter: fixed | uniform | lognormal, jitter_ms: 20, sigma: 0.5}}
          | {bandwidth: BYTES_PER_S | {request: N, response: N}}

`delay` and `bandwidth` combine with each other and with one of the other actions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from awsrec.errors import RulesError
from replayer.server.faults import schema
from replayer.server.faults.schema import (
    Bandwidth,
    Cut,
    Delay,
    Do,
    ErrorDo,
    Match,
    Path_,
    Stall,
    Unprocessed,
    When,
)
from replayer.server.faults.source import Source, parse

__all__ = ["Rule", "RuleSet", "load_rules", "rules_from_text"]

_RULE_FIELDS = ("id", "match", "when", "do")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")


@dataclass(frozen=True, slots=True)
class Rule:
    """One validated rule; `spec` is the rule as written, echoed by GET /_awsrec/faults."""

    id: str
    match: Match
    when: When
    do: Do
    spec: dict[str, Any] = field(default_factory=dict, compare=False)


@dataclass(frozen=True, slots=True)
class RuleSet:
    """Rules in the order they are tried, and the seed their random draws start from."""

    rules: tuple[Rule, ...] = ()
    seed: int | None = None


def load_rules(path: Path) -> RuleSet:
    """Read and validate a rules file; RulesError names the file, line and field of a mistake."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as e:
        raise RulesError(f"{path}: cannot read fault rules: {e.strerror or e}") from e
    except UnicodeDecodeError as e:
        raise RulesError(f"{path}: fault rules are not UTF-8 text: {e.reason}") from e
    return rules_from_text(text, str(path), json_only=Path(path).suffix.lower() == ".json")


def rules_from_text(
    text: str,
    name: str,
    first: int = 1,
    json_only: bool = False,
    taken: frozenset[str] = frozenset(),
) -> RuleSet:
    """Validate a rules document; default ids count from `first`; ids in `taken` are refused."""
    src = parse(text, name, json_only)
    data = src.data
    if data is None:
        return RuleSet()
    if isinstance(data, list):
        data = {"rules": data}
        src.lines = {("rules", *k): v for k, v in src.lines.items()}
    if not isinstance(data, dict):
        raise src.fail((), f"expected a list of rules or {{seed, rules}}, got {schema.kind(data)}")
    schema.unknown_fields(src, (), data, ("seed", "rules"))
    seed = data.get("seed")
    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
        raise src.fail(("seed",), f"expected an integer, got {schema.kind(seed)}")
    raw_rules = data.get("rules", [])
    if not isinstance(raw_rules, list):
        raise src.fail(("rules",), f"expected a list of rules, got {schema.kind(raw_rules)}")
    rules: list[Rule] = []
    seen = set(taken)
    for i, raw in enumerate(raw_rules):
        rule = _rule(src, ("rules", i), raw, f"rule-{first + i}")
        if rule.id in seen:
            raise src.fail(("rules", i, "id"), f"duplicate rule id {rule.id!r}")
        seen.add(rule.id)
        rules.append(rule)
    return RuleSet(tuple(rules), seed)


def _rule(src: Source, path: Path_, raw: Any, default_id: str) -> Rule:
    if not isinstance(raw, dict):
        got = schema.kind(raw)
        raise src.fail(path, f"expected a rule (a mapping with match/when/do), got {got}")
    schema.unknown_fields(src, path, raw, _RULE_FIELDS)
    rule_id = raw.get("id", default_id)
    if not isinstance(rule_id, str) or not _ID.match(rule_id):
        raise src.fail((*path, "id"), "expected 1-64 letters, digits, '_', '.', ':' or '-'")
    if "do" not in raw:
        raise src.fail(path, "missing field 'do' (what to inject)")
    match = schema.match(src, (*path, "match"), raw.get("match", {}))
    when = schema.when(src, (*path, "when"), raw.get("when", {}))
    do = _do(src, (*path, "do"), raw["do"], match)
    return Rule(rule_id, match, when, do, dict(raw))


_ACTIONS = ("error", "unprocessed", "reset", "truncate", "stall", "delay", "bandwidth")
_EXCLUSIVE = ("error", "unprocessed", "reset", "truncate", "stall")


def _do(src: Source, path: Path_, raw: Any, match: Match) -> Do:
    if isinstance(raw, str) and raw in ("reset", "stall"):
        raw = {raw: True if raw == "stall" else "after_headers"}
    if not isinstance(raw, dict) or not raw:
        raise src.fail(path, f"expected a mapping with one of {', '.join(_ACTIONS)}")
    schema.unknown_fields(src, path, raw, _ACTIONS)
    exclusive = [name for name in _EXCLUSIVE if name in raw]
    if len(exclusive) > 1:
        raise src.fail(
            (*path, exclusive[1]), f"choose one of {', '.join(exclusive)} (delay/bandwidth combine)"
        )
    error: ErrorDo | None = None
    unprocessed: Unprocessed | None = None
    cut: Cut | None = None
    stall: Stall | None = None
    if "error" in raw:
        error = schema.error(src, (*path, "error"), raw["error"], match)
    if "unprocessed" in raw:
        unprocessed = schema.unprocessed(src, (*path, "unprocessed"), raw["unprocessed"], match)
    if "reset" in raw:
        cut = schema.reset(src, (*path, "reset"), raw["reset"])
    if "truncate" in raw:
        cut = schema.truncate(src, (*path, "truncate"), raw["truncate"])
    if "stall" in raw:
        stall = schema.stall(src, (*path, "stall"), raw["stall"])
    delay: Delay | None = None
    bandwidth: Bandwidth | None = None
    if "delay" in raw:
        delay = schema.delay(src, (*path, "delay"), raw["delay"])
    if "bandwidth" in raw:
        bandwidth = schema.bandwidth(src, (*path, "bandwidth"), raw["bandwidth"])
    return Do(error, unprocessed, cut, stall, delay, bandwidth)
