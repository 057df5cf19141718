"""The fault engine: which rules a request matches, which of them fire, and their counters."""

from __future__ import annotations

import json
import logging
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from replayer.server.faults.actions import Injection
from replayer.server.faults.rules import Rule, RuleSet
from replayer.server.faults.schema import Delay, Glob, Match, When
from replayer.state.base import ServeRequest

log = logging.getLogger("awsrec.serve")


@dataclass(slots=True)
class _Live:
    """A rule as it runs: its seeded generator, counters and the time it was loaded."""

    rule: Rule
    seed: int
    rng: random.Random
    loaded_at: float
    matched: int = 0
    fired: int = 0


class Faults:
    """Rules tried in order for every request; the seam the pipeline calls is `decide`."""

    def __init__(self, ruleset: RuleSet | None = None, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self._live: list[_Live] = []
        # Without a seed in the file, one is drawn and shown by GET /_awsrec/faults, so a run
        # that found something can be repeated with `seed:` set to it.
        self.seed = random.SystemRandom().randrange(2**32)
        if ruleset is not None:
            self.add(ruleset)

    def __bool__(self) -> bool:
        return bool(self._live)

    @property
    def ids(self) -> frozenset[str]:
        return frozenset(live.rule.id for live in self._live)

    def add(self, ruleset: RuleSet) -> list[str]:
        """Append validated rules (their ids must be new); returns their ids."""
        if ruleset.seed is not None and not self._live:
            self.seed = ruleset.seed
        base = ruleset.seed if ruleset.seed is not None else self.seed
        for rule in ruleset.rules:
            seed = rule.when.seed if rule.when.seed is not None else base
            live = _Live(rule, seed, _rng(seed, rule.id), self._clock())
            self._live.append(live)
        return [rule.id for rule in ruleset.rules]

    def clear(self, rule_id: str | None = None) -> int:
        """Remove one rule, or all; returns how many went."""
        before = len(self._live)
        self._live = [x for x in self._live if rule_id is not None and x.rule.id != rule_id]
        return before - len(self._live)

    def reset(self) -> None:
        """Counters, generators and windows back to their start: a rerun repeats its faults."""
        now = self._clock()
        for live in self._live:
            live.matched = live.fired = 0
            live.rng = _rng(live.seed, live.rule.id)
            live.loaded_at = now

    def decide(self, request: ServeRequest, body: bytes | None) -> Injection | None:
        """The faults for `request` (`body`: the request body when the pipeline read it)."""
        if not self._live:
            return None
        facts = _Facts(request, body)
        injection: Injection | None = None
        for live in self._live:
            if not _matches(live.rule.match, facts):
                continue
            live.matched += 1
            if not self._fires(live):
                continue
            injection = self._apply(live, injection or Injection())
        if injection is not None and not injection.rule_ids:
            return None
        if injection is not None:
            log.info("fault %s on %s %s", ",".join(injection.rule_ids), request.service,
                     request.operation)  # fmt: skip
        return injection

    def _fires(self, live: _Live) -> bool:
        when, n = live.rule.when, live.matched
        # Draw on every matching request, fired or not, so that one rule's draws depend only
        # on how many requests it matched: the same sequence gives the same faults.
        draw = live.rng.random() if when.probability is not None else 0.0
        return (
            (when.nth is None or n == when.nth)
            and (when.every is None or n % when.every == 0)
            and (when.after is None or n > when.after)
            and (when.first is None or n <= when.first)
            and (when.probability is None or draw < when.probability)
            and _in_window(when, self._clock() - live.loaded_at)
        )

    def _apply(self, live: _Live, inj: Injection) -> Injection:
        do, used = live.rule.do, False
        exclusive = do.error or do.unprocessed or do.cut or do.stall
        taken = inj.error or inj.unprocessed or inj.cut or inj.stall
        if exclusive is not None and taken is None:
            inj.error, inj.unprocessed = do.error, do.unprocessed
            inj.cut, inj.stall = do.cut, do.stall
            inj.rng, used = live.rng, True
        if do.delay is not None:
            inj.delay_s += _delay_ms(do.delay, live.rng) / 1000.0
            used = True
        if do.bandwidth is not None:
            inj.request_rate = _lowest(inj.request_rate, do.bandwidth.request)
            inj.response_rate = _lowest(inj.response_rate, do.bandwidth.response)
            used = True
        if used:
            live.fired += 1
            inj.rule_ids.append(live.rule.id)
        return inj

    def describe(self) -> dict[str, Any]:
        """The rules as written, with how many requests each matched and fired on."""
        rules = [
            {**live.rule.spec, "id": live.rule.id, "seed": live.seed,
             "matched": live.matched, "fired": live.fired}
            for live in self._live
        ]  # fmt: skip
        return {"seed": self.seed, "rules": rules}


def _rng(seed: int, rule_id: str) -> random.Random:
    # One generator per rule, keyed by its id: adding a rule does not change another's draws.
    return random.Random(f"{seed}/{rule_id}")


def _lowest(a: int | None, b: int | None) -> int | None:
    return b if a is None else (a if b is None else min(a, b))


def _in_window(when: When, elapsed: float) -> bool:
    if when.window is None:
        return True
    start, end = when.window
    return elapsed >= start and (end is None or elapsed < end)


def _delay_ms(delay: Delay, rng: random.Random) -> float:
    if delay.jitter == "uniform":
        return max(0.0, delay.ms + rng.uniform(-delay.jitter_ms, delay.jitter_ms))
    if delay.jitter == "lognormal":
        # Median `ms`, heavy right tail: the shape of real network latency.
        return delay.ms * math.exp(rng.gauss(0.0, delay.sigma))
    return delay.ms


class _Facts:
    """What rules match on, from one request; the DynamoDB table names parsed only if asked."""

    __slots__ = ("_body", "_tables", "request")

    def __init__(self, request: ServeRequest, body: bytes | None) -> None:
        self.request = request
        self._body = body
        self._tables: list[str] | None = None

    def tables(self) -> list[str]:
        if self._tables is None:
            self._tables = _tables_of(self._body)
        return self._tables


def _tables_of(body: bytes | None) -> list[str]:
    try:
        doc = json.loads(body or b"null")
    except ValueError:
        return []
    if not isinstance(doc, dict):
        return []
    names = [doc["TableName"]] if isinstance(doc.get("TableName"), str) else []
    items = doc.get("RequestItems")
    if isinstance(items, dict):
        names.extend(str(k) for k in items)
    for item in doc.get("TransactItems") or ():
        for part in item.values() if isinstance(item, dict) else ():
            if isinstance(part, dict) and isinstance(part.get("TableName"), str):
                names.append(part["TableName"])
    return names


def _any(globs: tuple[Glob, ...], value: str | None) -> bool:
    if value is None:
        return False
    for glob in globs:  # a plain loop: this runs for every rule on every request
        if value == glob.exact or (glob.exact is None and glob.regex.match(value)):
            return True
    return False


def _matches(match: Match, facts: _Facts) -> bool:
    req = facts.request
    labels = req.labels
    if match.service and not _any(match.service, req.service):
        return False
    if match.operation and not _any(match.operation, req.operation):
        return False
    if match.method and not _any(match.method, req.method):
        return False
    if match.bucket and not _any(match.bucket, labels.get("Bucket")):
        return False
    if match.key and not _any(match.key, labels.get("Key")):
        return False
    if match.function and not _any(match.function, _function_name(labels.get("FunctionName"))):
        return False
    if match.table and not any(_any(match.table, t) for t in facts.tables()):
        return False
    for name, glob in match.headers:
        value = req.headers.get(name)
        if value is None or not glob(value):
            return False
    return True


def _function_name(value: str | None) -> str | None:
    # Lambda accepts a name, a partial ARN or a full ARN; rules name the function.
    # https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html#API_Invoke_RequestSyntax
    if value is None or ":" not in value:
        return value
    parts = value.split(":")  # arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]
    if "function" in parts[:-1]:
        return parts[parts.index("function") + 1]
    return parts[0]  # NAME:QUALIFIER
