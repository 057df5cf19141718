"""Release history: one stored result per target and label, trends and regressions across labels.

Layout: `DIR/<target>/<label>.json`, each a JSON report (schema awsrec-diff/1) holding that
one target without per-interaction details. Labels are ordered by when they were stored.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from awsrec.atomic import atomic_write_bytes
from awsrec.errors import AwsrecError, UsageError
from replayer.diff.reports.document import SCHEMA, Document, summary, table, targets

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _safe(name: str) -> str:
    return _UNSAFE.sub("_", name).strip("._") or "_"


@dataclass(frozen=True, slots=True)
class Entry:
    """One target's result for one label."""

    target: str
    label: str
    generated_at: str
    data: dict[str, object]

    @property
    def fidelity(self) -> float | None:
        value = summary(self.data).get("fidelity")
        return float(value) if isinstance(value, (int, float)) else None

    def operations(self) -> dict[str, dict[str, object]]:
        return table(self.data, "operations")


@dataclass(frozen=True, slots=True)
class Regression:
    """An operation that passed under the previous label and fails under the latest."""

    target: str
    operation: str
    previous_label: str
    label: str
    fidelity: float | None


def store(doc: Document, history: Path, label: str | None) -> list[Path]:
    """Keep this run's result per target under `label`; rerunning a label replaces it."""
    if not label:
        raise UsageError("--history needs --label RELEASE to file the result under")
    written = []
    for entry in targets(doc):
        compact = {k: v for k, v in entry.items() if k != "interactions"}
        one = {**doc, "label": label, "targets": [compact]}
        path = history / _safe(str(entry["name"])) / f"{_safe(label)}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, json.dumps(one, indent=2).encode())
        written.append(path)
    return written


def load(history: Path) -> dict[str, list[Entry]]:
    """Every stored result, per target, oldest label first."""
    if not history.is_dir():
        raise AwsrecError(f"{history}: no such history directory")
    found: dict[str, list[Entry]] = {}
    for path in sorted(history.glob("*/*.json")):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise AwsrecError(f"{path}: not a readable history file: {e}") from e
        if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
            raise AwsrecError(f"{path}: not an awsrec diff result (schema {SCHEMA})")
        for entry in targets(doc):
            name = str(entry["name"])
            stamp = str(doc.get("generated_at", ""))
            found.setdefault(name, []).append(Entry(name, str(doc["label"]), stamp, entry))
    for entries in found.values():
        entries.sort(key=lambda e: (e.generated_at, e.label))
    return dict(sorted(found.items()))


def labels(history: dict[str, list[Entry]]) -> list[str]:
    """All labels, in the order they first appeared."""
    stamped: dict[str, str] = {}
    for entries in history.values():
        for e in entries:
            if e.label not in stamped or e.generated_at < stamped[e.label]:
                stamped[e.label] = e.generated_at
    return sorted(stamped, key=lambda lbl: (stamped[lbl], lbl))


def _passed(score: dict[str, object] | None) -> bool:
    return isinstance(score, dict) and score.get("passed") == score.get("compared")


def regressions(history: dict[str, list[Entry]]) -> list[Regression]:
    """Operations passing under each target's previous label and failing under its latest."""
    out = []
    for name, entries in history.items():
        if len(entries) < 2:
            continue
        previous, latest = entries[-2], entries[-1]
        before = previous.operations()
        for op, score in latest.operations().items():
            if _passed(before.get(op)) and not _passed(score):
                fid = score.get("fidelity")
                value = float(fid) if isinstance(fid, (int, float)) else None
                out.append(Regression(name, op, previous.label, latest.label, value))
    return out


def latest_document(history: dict[str, list[Entry]]) -> Document:
    """The latest result of every target, as one report document (for the matrix)."""
    return {
        "schema": SCHEMA,
        "label": None,
        "cassettes": [],
        "targets": [entries[-1].data for entries in history.values() if entries],
    }
