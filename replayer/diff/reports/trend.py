"""`awsrec report DIR`: the matrix across targets, the trend across labels, and regressions."""

from __future__ import annotations

import json
from html import escape

from rich.console import Console
from rich.table import Table

from replayer.diff.history import Entry, Regression, labels, latest_document, regressions
from replayer.diff.reports.charts import line_chart
from replayer.diff.reports.document import pct, targets
from replayer.diff.reports.html import matrix, page
from replayer.diff.reports.markdown import operations_matrix

History = dict[str, list[Entry]]


def _trend(history: History) -> tuple[list[str], dict[str, list[float | None]]]:
    order = labels(history)
    series = {}
    for name, entries in history.items():
        by_label = {e.label: e.fidelity for e in entries}
        series[name] = [by_label.get(lbl) for lbl in order]
    return order, series


def history_json(history: History) -> str:
    """The history as JSON (schema awsrec-history/1): trend per target, regressions, latest."""
    order, series = _trend(history)
    doc = {
        "schema": "awsrec-history/1",
        "labels": order,
        "trend": series,
        "regressions": [_regression(r) for r in regressions(history)],
        "latest": latest_document(history),
    }  # fmt: skip
    return json.dumps(doc, indent=2) + "\n"


def _regression(r: Regression) -> dict[str, object]:
    return {"target": r.target, "operation": r.operation, "previous_label": r.previous_label,
            "label": r.label, "fidelity": r.fidelity}  # fmt: skip


def history_markdown(history: History) -> str:
    order, series = _trend(history)
    out = ["## awsrec fidelity across releases", "",
           "| target | " + " | ".join(order) + " |", "|---|" + "---:|" * len(order)]  # fmt: skip
    for name, values in series.items():
        out.append(f"| {name} | " + " | ".join(pct(v) if v is not None else "-" for v in values)
                   + " |")  # fmt: skip
    out += ["", "### Latest result per target", "", *operations_matrix(latest_document(history))]
    regs = regressions(history)
    out += ["", f"### Regressions ({len(regs)})", ""]
    out += [f"- **{r.target}** `{r.operation}`: passed in {r.previous_label}, "
            f"{pct(r.fidelity)} in {r.label}" for r in regs] or ["None."]  # fmt: skip
    return "\n".join(out) + "\n"


def history_html(history: History) -> str:
    order, series = _trend(history)
    regs = regressions(history)
    rows = "".join(
        f'<tr data-target="{escape(n)}"><td>{escape(n)}</td>'
        + "".join(f'<td class="num" data-label="{escape(lbl)}" data-fidelity="{v}">'
                  f"{pct(v) if v is not None else '-'}</td>" for lbl, v in zip(order, vals,
                                                                             strict=True))
        + "</tr>"
        for n, vals in series.items()
    )  # fmt: skip
    reg_items = "".join(
        f'<li class="regression" data-target="{escape(r.target)}" data-op="{escape(r.operation)}">'
        f"<b>{escape(r.target)}</b> <code>{escape(r.operation)}</code>: passed in "
        f"{escape(r.previous_label)}, {pct(r.fidelity)} in {escape(r.label)}</li>"
        for r in regs
    )
    body = (
        "<h1>awsrec fidelity across releases</h1><h2>Trend</h2>"
        + line_chart("chart-trend", order, series)
        + '<table id="trend"><tr><th>target</th>'
        + "".join(f"<th>{escape(lbl)}</th>" for lbl in order) + f"</tr>{rows}</table>"
        + f"<h2>Regressions ({len(regs)})</h2>"
        + (f'<ul id="regressions">{reg_items}</ul>' if regs else "<p>None.</p>")
        + "<h2>Latest result: targets × operations</h2>" + matrix(latest_document(history))
    )  # fmt: skip
    return page("awsrec fidelity across releases", body)


def print_history(history: History, console: Console) -> None:
    order, series = _trend(history)
    trend = Table("target", *order, title="fidelity by label")
    for name, values in series.items():
        trend.add_row(name, *(pct(v) if v is not None else "-" for v in values))
    console.print(trend)
    latest = latest_document(history)
    names = [str(t["name"]) for t in targets(latest)]
    grid = Table("operation", *names, title="latest result: targets x operations")
    for line in operations_matrix(latest, limit=10_000)[2:]:
        if line.startswith("|"):
            grid.add_row(*[c.strip().strip("`") for c in line.strip("|").split("|")])
    console.print(grid)
    regs = regressions(history)
    for r in regs:
        text = f"passed in {r.previous_label}, {pct(r.fidelity)} in {r.label}"
        console.print(f"[red]regression[/] {r.target} {r.operation}: {text}", highlight=False)
    if not regs:
        console.print("no regressions")
