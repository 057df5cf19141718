"""The /_awsrec/faults admin routes: list (GET), add (POST a rules document), clear (DELETE)."""

from __future__ import annotations

from typing import Any

from awsrec.errors import RulesError
from replayer.server.faults.engine import Faults
from replayer.server.faults.rules import rules_from_text


def faults_route(faults: Faults, method: str, rest: str, body: bytes) -> tuple[int, Any]:
    """(status, JSON document) for `METHOD /_awsrec/faults[/ID]`."""
    if rest and method != "DELETE":
        return 404, {"error": f"no admin route {method} /_awsrec/faults/{rest}"}
    if method == "GET":
        return 200, faults.describe()
    if method == "DELETE":
        removed = faults.clear(rest or None)
        if rest and not removed:
            return 404, {"error": f"no fault rule {rest!r}"}
        return 200, {"removed": removed}
    if method == "POST":
        return _add(faults, body)
    return 405, {"error": f"{method} /_awsrec/faults: use GET, POST or DELETE"}


def _add(faults: Faults, body: bytes) -> tuple[int, Any]:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return 400, {"error": "POST /_awsrec/faults: the body must be UTF-8 YAML or JSON"}
    try:
        ruleset = rules_from_text(
            text, "POST /_awsrec/faults", first=len(faults.ids) + 1, taken=faults.ids
        )
    except RulesError as e:
        return 400, {"error": str(e)}
    return 200, {"added": faults.add(ruleset), "seed": faults.seed}
