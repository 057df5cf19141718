"""Fidelity: passing interactions / compared interactions, per operation, service and overall."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from replayer.diff.model import InteractionResult, Severity


@dataclass(frozen=True, slots=True)
class Score:
    """How many compared interactions passed."""

    passed: int
    compared: int

    @property
    def fidelity(self) -> float | None:
        """Percent passing, two decimals; None when nothing was compared."""
        if not self.compared:
            return None
        return round(100.0 * self.passed / self.compared, 2)

    def as_dict(self) -> dict[str, int | float | None]:
        return {"passed": self.passed, "compared": self.compared, "fidelity": self.fidelity}


def score(results: Iterable[InteractionResult]) -> Score:
    passed = compared = 0
    for r in results:
        compared += 1
        passed += r.passed
    return Score(passed, compared)


def _grouped(results: Iterable[InteractionResult], key: str) -> dict[str, Score]:
    groups: dict[str, list[InteractionResult]] = {}
    for r in results:
        groups.setdefault(r.key if key == "operation" else r.service, []).append(r)
    return {name: score(rs) for name, rs in sorted(groups.items())}


def by_operation(results: Iterable[InteractionResult]) -> dict[str, Score]:
    """Scores keyed "service/Operation", sorted by key."""
    return _grouped(results, "operation")


def by_service(results: Iterable[InteractionResult]) -> dict[str, Score]:
    return _grouped(results, "service")


def severity_counts(results: Iterable[InteractionResult]) -> dict[str, int]:
    """Differences per severity (plus "noise" and "errors": requests that got no answer)."""
    counts = {s.label: 0 for s in sorted(Severity, reverse=True)}
    counts["noise"] = 0
    counts["errors"] = 0
    for r in results:
        for d in r.differences:
            counts[d.severity.label] += 1
        counts["noise"] += len(r.noise)
        counts["errors"] += r.error is not None
    return counts


def worst_first(scores: dict[str, Score]) -> list[tuple[str, Score]]:
    """Lowest fidelity first, then most failures, then name."""
    return sorted(
        scores.items(),
        key=lambda kv: (kv[1].fidelity if kv[1].fidelity is not None else 101.0,
                        kv[1].passed - kv[1].compared, kv[0]),
    )  # fmt: skip
