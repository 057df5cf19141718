"""The rich terminal summary: per target, worst operations first, then the worst findings."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from replayer.diff.reports.document import Document, items, pct, summary, table, targets

_STYLE = {"critical": "bold red", "major": "red", "minor": "yellow", "info": "dim"}


def _colour(fidelity: object) -> str:
    if not isinstance(fidelity, (int, float)):
        return "dim"
    return "green" if fidelity >= 100 else "yellow" if fidelity >= 80 else "red"


def print_summary(doc: Document, console: Console, max_ops: int = 15, max_findings: int = 10
                  ) -> None:  # fmt: skip
    """Print each target's fidelity, its worst operations and its worst findings."""
    for t in targets(doc):
        s, sev = summary(t), table(t, "severities")
        console.print(
            f"[bold]{escape(str(t['name']))}[/] ({escape(str(t['url']))}): fidelity "
            f"[{_colour(s['fidelity'])}]{pct(s['fidelity'])}[/] "
            f"({s['passed']}/{s['compared']} interactions passed)"
            + "".join(
                f", [{_STYLE.get(k, 'dim')}]{v} {escape(str(k))}[/]" for k, v in sev.items() if v
            )
        )
        ops = Table("operation", "fidelity", "passed", show_edge=False, box=None)
        ranked = sorted(table(t, "operations").items(),
                        key=lambda kv: (kv[1].get("fidelity") or 0.0, kv[0]))  # fmt: skip
        for op, sc in ranked[:max_ops]:
            colour = _colour(sc["fidelity"])
            ops.add_row(escape(op), f"[{colour}]{pct(sc['fidelity'])}[/]",
                        f"{sc['passed']}/{sc['compared']}")  # fmt: skip
        console.print(ops)
        shown = 0
        for r in items(t, "interactions"):
            for d in items(r, "differences"):
                if d["severity"] in ("critical", "major") and shown < max_findings:
                    shown += 1
                    console.print(
                        f"  [{_STYLE[str(d['severity'])]}]{d['severity']}[/] "
                        + escape(
                            f"{r['cassette']}#{r['seq']} {r['service']}/{r['operation']}: "
                            f"{d['kind']} at {d['where']}: {d['expected']!r} -> {d['actual']!r}"
                        ),
                        highlight=False, markup=True, soft_wrap=True,
                    )  # fmt: skip
        for w in t.get("warnings", []) or []:  # type: ignore[attr-defined]
            console.print(f"  [yellow]warning[/] {escape(str(w))}", highlight=False)
