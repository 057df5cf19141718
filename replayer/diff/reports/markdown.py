"""The Markdown report, sized for a pull-request comment: summary, worst operations, findings."""

from __future__ import annotations

from replayer.diff.reports.document import Document, items, pct, summary, table, targets

MAX_ROWS = 25
MAX_FINDINGS = 40


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")[:120]


def operations_matrix(doc: Document, limit: int = MAX_ROWS) -> list[str]:
    """Targets x operations as a Markdown table, worst rows first."""
    ts = targets(doc)
    names = [str(t["name"]) for t in ts]
    rows: dict[str, dict[str, dict[str, object]]] = {}
    for t in ts:
        for op, sc in table(t, "operations").items():
            rows.setdefault(op, {})[str(t["name"])] = sc

    def lowest(op: str) -> float:
        values = [s.get("fidelity") for s in rows[op].values()]
        return min([v for v in values if isinstance(v, (int, float))] + [101.0])

    lines = ["| operation | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]
    ordered = sorted(rows, key=lambda o: (lowest(o), o))
    for op in ordered[:limit]:
        cells = []
        for n in names:
            found = rows[op].get(n)
            if found is None:
                cells.append("-")
            else:
                cells.append(f"{pct(found['fidelity'])} ({found['passed']}/{found['compared']})")
        lines.append(f"| `{op}` | " + " | ".join(cells) + " |")
    if len(ordered) > limit:
        lines.append(f"\n_{len(ordered) - limit} more operations in the HTML/JSON report._")
    return lines


def render_markdown(doc: Document) -> str:
    """The whole Markdown report."""
    label = f" — {doc['label']}" if doc.get("label") else ""
    out = [f"## awsrec fidelity{label}", ""]
    out += ["| target | fidelity | passed / compared | critical | major | minor | info |",
            "|---|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
    for t in targets(doc):
        s, sev = summary(t), table(t, "severities")
        counts = " | ".join(str(sev[k]) for k in ("critical", "major", "minor", "info"))
        out.append(f"| {t['name']} | {pct(s['fidelity'])} | {s['passed']} / {s['compared']} | "
                   f"{counts} |")  # fmt: skip
    out += ["", "### Operations (worst first)", "", *operations_matrix(doc), ""]
    for t in targets(doc):
        findings = [(r, d) for r in items(t, "interactions") for d in items(r, "differences")
                    if d["severity"] in ("critical", "major")]  # fmt: skip
        if not findings:
            continue
        out += ["<details>", f"<summary>{t['name']}: {len(findings)} critical/major "
                "differences</summary>", "", "| interaction | severity | where | expected | "
                "actual |", "|---|---|---|---|---|"]  # fmt: skip
        for r, d in findings[:MAX_FINDINGS]:
            change = f"{_cell(d['expected'])} | {_cell(d['actual'])}"
            out.append(f"| {r['cassette']}#{r['seq']} `{r['operation']}` | {d['severity']} | "
                       f"`{_cell(d['where'])}` | {change} |")  # fmt: skip
        out += ["", "</details>", ""]
    return "\n".join(out) + "\n"
