"""Fault injection and network simulation for `awsrec serve` (`--faults FILE`, /_awsrec/faults).

The pipeline asks `Faults.decide(request, body)` for each AWS request; a non-None `Injection`
may replace the answer (`before`), amend it (`after`) and change how it is sent (`send`).
"""

from __future__ import annotations

from pathlib import Path

from replayer.server.faults.actions import Injection
from replayer.server.faults.admin import faults_route
from replayer.server.faults.engine import Faults
from replayer.server.faults.rules import Rule, RuleSet, load_rules, rules_from_text

__all__ = [
    "Faults",
    "Injection",
    "Rule",
    "RuleSet",
    "faults_route",
    "load_faults",
    "load_rules",
    "rules_from_text",
]


def load_faults(path: Path | None) -> Faults:
    """The engine with the rules of `path` (none without one); RulesError on a bad file."""
    return Faults(load_rules(path) if path is not None else None)
