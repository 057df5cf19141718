"""The JSON report: one document every other report is rendered from. Schema `awsrec-diff/1`.

Keys are stable; new keys may be added, existing ones never change meaning.

```
{
  "schema": "awsrec-diff/1",
  "generated_at": "2025-01-01T00:00:00+00:00",      # ISO 8601, UTC
  "label": "v1.2.3" | null,                          # --label
  "cassettes": ["s3", ...],                          # cassette names, replay order
  "targets": [{
    "name": "moto", "url": "http://127.0.0.1:5000",
    "summary":    {"passed": 12, "compared": 14, "fidelity": 85.71},   # fidelity: percent|null
    "services":   {"s3": {...same shape...}},
    "operations": {"s3/GetObject": {...same shape...}},
    "severities": {"critical": 1, "major": 2, "minor": 0, "info": 3, "noise": 0, "errors": 0},
    "warnings":   ["s3: seed object b/k: content not recorded", ...],
    "interactions": [{                               # omitted in history files
      "cassette": "s3", "seq": 3, "service": "s3", "operation": "GetObject",
      "passed": false, "worst": "critical" | null, "error": null | "connection refused...",
      "differences": [{"severity": "critical", "kind": "outcome", "where": "status",
                       "expected": "200", "actual": "404 NoSuchKey"}],
      "noise": [...same shape as differences...],
      "expected": {"status": 200, "headers": [["ETag", "<etag>"]], "body": "..."},
      "actual":   {...same...} | null
    }]
  }]
}
```
Severities: critical (success vs error, other error code or status class), major (other status,
missing contract header, body shape or data), minor (message wording, header/value format,
element order), info (extra fields or headers). An interaction passes without critical/major.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from replayer.diff.fidelity import by_operation, by_service, score, severity_counts
from replayer.diff.model import Difference, InteractionResult, Shown, TargetRun

SCHEMA = "awsrec-diff/1"
Document = dict[str, object]


def _difference(d: Difference) -> dict[str, object]:
    return {"severity": d.severity.label, "kind": d.kind, "where": d.where,
            "expected": d.expected, "actual": d.actual}  # fmt: skip


def _shown(s: Shown | None) -> dict[str, object] | None:
    if s is None:
        return None
    return {"status": s.status, "headers": [[k, v] for k, v in s.headers], "body": s.body}


def _interaction(r: InteractionResult) -> dict[str, object]:
    worst = r.worst
    return {
        "cassette": r.cassette, "seq": r.seq, "service": r.service, "operation": r.operation,
        "passed": r.passed, "worst": worst.label if worst is not None else None, "error": r.error,
        "differences": [_difference(d) for d in r.differences],
        "noise": [_difference(d) for d in r.noise],
        "expected": _shown(r.expected), "actual": _shown(r.actual),
    }  # fmt: skip


def _target(run: TargetRun, details: bool) -> dict[str, object]:
    out: dict[str, object] = {
        "name": run.target.name,
        "url": run.target.url,
        "summary": score(run.results).as_dict(),
        "services": {k: v.as_dict() for k, v in by_service(run.results).items()},
        "operations": {k: v.as_dict() for k, v in by_operation(run.results).items()},
        "severities": severity_counts(run.results),
        "warnings": list(run.warnings),
    }
    if details:
        out["interactions"] = [_interaction(r) for r in run.results]
    return out


def build_document(
    runs: list[TargetRun],
    *,
    label: str | None = None,
    cassettes: list[str] | None = None,
    details: bool = True,
) -> Document:
    """The JSON report of a diff run."""
    return {
        "schema": SCHEMA,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "label": label,
        "cassettes": list(cassettes or []),
        "targets": [_target(run, details) for run in runs],
    }


def dumps(doc: Document) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def targets(doc: Document) -> list[dict[str, object]]:
    """The document's targets, typed for readers."""
    found = doc.get("targets")
    return [t for t in found if isinstance(t, dict)] if isinstance(found, list) else []


def table(entry: dict[str, object], key: str) -> dict[str, dict[str, object]]:
    """A target's "services"/"operations"/"severities" map, typed for readers."""
    found = entry.get(key)
    return {k: v for k, v in found.items()} if isinstance(found, dict) else {}


def items(entry: dict[str, object], key: str) -> list[dict[str, object]]:
    """A list of maps ("interactions", "differences", "noise"), typed for readers."""
    found = entry.get(key)
    return [x for x in found if isinstance(x, dict)] if isinstance(found, list) else []


def strings(entry: dict[str, object], key: str) -> list[str]:
    """A list of strings ("warnings", "cassettes"), typed for readers."""
    found = entry.get(key)
    return [str(x) for x in found] if isinstance(found, list) else []


def summary(entry: dict[str, object]) -> dict[str, object]:
    """A target's overall score map."""
    found = entry.get("summary")
    return found if isinstance(found, dict) else {}


def pct(value: object) -> str:
    return f"{value:.2f}%" if isinstance(value, (int, float)) else "n/a"
