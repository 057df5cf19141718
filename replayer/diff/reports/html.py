"""The self-contained HTML report: matrix, charts and side-by-side diffs, no external assets."""

from __future__ import annotations

from html import escape

from replayer.diff.reports.charts import bar_chart, severity_bars
from replayer.diff.reports.document import (
    Document,
    items,
    pct,
    strings,
    summary,
    table,
    targets,
)  # fmt: skip

STYLE = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:24px;color:#0f172a}
h1{font-size:22px;margin:0 0 4px}
h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #e2e8f0}
.meta{color:#64748b}table{border-collapse:collapse;margin:8px 0}
th,td{border:1px solid #e2e8f0;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f8fafc}td.num{text-align:right;font-variant-numeric:tabular-nums}
.good{background:#dcfce7}.warn{background:#fef9c3}.bad{background:#fee2e2}.none{color:#94a3b8}
.chart .label{font-size:12px;fill:#334155}.chart .value{font-size:11px;fill:#475569}
.chart .grid{stroke:#e2e8f0}details{margin:6px 0;border:1px solid #e2e8f0;border-radius:4px}
summary{cursor:pointer;padding:4px 8px;background:#f8fafc}
.side-by-side{display:grid;grid-template-columns:1fr 1fr;gap:8px;padding:8px}
pre{white-space:pre-wrap;word-break:break-all;background:#f1f5f9;padding:6px;margin:0;
font-size:12px;max-height:320px;overflow:auto}
.sev-critical{color:#b91c1c;font-weight:600}.sev-major{color:#ea580c;font-weight:600}
.sev-minor{color:#a16207}.sev-info{color:#64748b}
"""


def cell_class(fidelity: object) -> str:
    if not isinstance(fidelity, (int, float)):
        return "none"
    return "good" if fidelity >= 100 else "warn" if fidelity >= 80 else "bad"


def _summary(doc: Document) -> str:
    rows = []
    for t in targets(doc):
        s = summary(t)
        sev = table(t, "severities")
        name = escape(str(t["name"]))
        rows.append(
            f'<tr data-target="{name}"><td>{name}</td><td>{escape(str(t["url"]))}</td>'
            f'<td class="num {cell_class(s["fidelity"])}" data-field="fidelity" '
            f'data-value="{s["fidelity"]}">{pct(s["fidelity"])}</td>'
            f'<td class="num" data-field="passed">{s["passed"]}</td>'
            f'<td class="num" data-field="compared">{s["compared"]}</td>'
            + "".join(f'<td class="num" data-field="{k}">{v}</td>' for k, v in sev.items())
            + "</tr>"
        )
    heads = "".join(f"<th>{k}</th>" for k in _severity_names(doc))
    return (f'<table id="summary"><tr><th>target</th><th>url</th><th>fidelity</th>'
            f"<th>passed</th><th>compared</th>{heads}</tr>{''.join(rows)}</table>")  # fmt: skip


def _severity_names(doc: Document) -> list[str]:
    for t in targets(doc):
        return list(table(t, "severities"))
    return []


def matrix(doc: Document, key: str = "operations", table_id: str = "matrix") -> str:
    """Targets x operations (or services); rows worst first by their lowest fidelity."""
    names = [str(t["name"]) for t in targets(doc)]
    rows: dict[str, dict[str, dict[str, object]]] = {}
    for t in targets(doc):
        for op, sc in table(t, key).items():
            rows.setdefault(op, {})[str(t["name"])] = sc

    def lowest(op: str) -> float:
        values = [s.get("fidelity") for s in rows[op].values()]
        return min([v for v in values if isinstance(v, (int, float))] + [101.0])

    out = [f'<table id="{table_id}"><tr><th>{key[:-1]}</th>']
    out += [f"<th>{escape(n)}</th>" for n in names]
    out.append("</tr>")
    for op in sorted(rows, key=lambda o: (lowest(o), o)):
        out.append(f'<tr data-row="{escape(op)}"><td>{escape(op)}</td>')
        for n in names:
            found = rows[op].get(n)
            if found is None:
                out.append(f'<td class="none" data-target="{escape(n)}">-</td>')
                continue
            sc = found
            out.append(
                f'<td class="num {cell_class(sc["fidelity"])}" data-target="{escape(n)}" '
                f'data-op="{escape(op)}" data-fidelity="{sc["fidelity"]}" '
                f'data-passed="{sc["passed"]}" data-compared="{sc["compared"]}">'
                f"{pct(sc['fidelity'])} <small>({sc['passed']}/{sc['compared']})</small></td>"
            )
        out.append("</tr>")
    out.append("</table>")
    return "".join(out)


def _response(title: str, shown: object) -> str:
    if not isinstance(shown, dict):
        return f"<div><h4>{title}</h4><pre>(no response)</pre></div>"
    headers = "\n".join(f"{k}: {v}" for k, v in shown.get("headers", []))
    return (f"<div><h4>{title}</h4><pre>HTTP {shown.get('status')}\n{escape(headers)}</pre>"
            f"<pre>{escape(str(shown.get('body', '')))}</pre></div>")  # fmt: skip


def _interactions(target: dict[str, object]) -> str:
    out = []
    for r in items(target, "interactions"):
        diffs = items(r, "differences")
        if not diffs and r.get("error") is None and not items(r, "noise"):
            continue
        worst = r.get("worst") or "noise"
        rows = "".join(
            f'<tr class="difference" data-severity="{d["severity"]}"><td class="sev-'
            f'{d["severity"]}">{d["severity"]}</td><td>{escape(str(d["kind"]))}</td>'
            f"<td>{escape(str(d['where']))}</td><td><code>{escape(str(d['expected']))}</code>"
            f"</td><td><code>{escape(str(d['actual']))}</code></td></tr>"
            for d in diffs
        )
        noise = "".join(f"<li>{escape(str(d['where']))}</li>" for d in items(r, "noise"))
        error = f"<p class='sev-critical'>{escape(str(r['error']))}</p>" if r.get("error") else ""
        # Critical findings open by default: the side-by-side is what a reader came for.
        opened = " open" if worst == "critical" else ""
        out.append(
            f'<details{opened} class="interaction" data-cassette="{escape(str(r["cassette"]))}" '
            f'data-seq="{r["seq"]}" data-passed="{str(r["passed"]).lower()}">'
            f"<summary><span class='sev-{worst}'>{worst}</span> {escape(str(r['cassette']))} "
            f"#{r['seq']} {escape(str(r['service']))}/{escape(str(r['operation']))}</summary>"
            f"{error}<table><tr><th>severity</th><th>kind</th><th>where</th><th>expected</th>"
            f"<th>actual</th></tr>{rows}</table>"
            + (f"<p>noise (varied between two replays):</p><ul>{noise}</ul>" if noise else "")
            + f'<div class="side-by-side">{_response("recorded", r.get("expected"))}'
            f"{_response('target', r.get('actual'))}</div></details>"
        )
    return "".join(out) or "<p>No differences.</p>"


def render_html(doc: Document) -> str:
    """The whole report as one HTML page."""
    ts = targets(doc)
    services = sorted({s for t in ts for s in table(t, "services")})
    series = {str(t["name"]): [_fid(table(t, "services").get(s)) for s in services] for t in ts}
    overall = {str(t["name"]): [_fid(t.get("summary"))] for t in ts}
    sev = {str(t["name"]): {k: int(str(v)) for k, v in table(t, "severities").items()} for t in ts}
    label = f" — {escape(str(doc['label']))}" if doc.get("label") else ""
    body = [
        f"<h1>awsrec fidelity report{label}</h1>",
        f"<p class='meta'>generated {escape(str(doc.get('generated_at')))}; cassettes: "
        f"{escape(', '.join(strings(doc, 'cassettes')))}</p>",
        "<h2>Summary</h2>", _summary(doc),
        "<h2>Fidelity by service</h2>", bar_chart("chart-services", ["overall", *services],
            {n: overall[n] + series[n] for n in series}),
        "<h2>Differences by severity</h2>", severity_bars("chart-severities", sev),
        "<h2>Targets × operations</h2>", matrix(doc),
    ]  # fmt: skip
    for t in ts:
        warnings = "".join(f"<li>{escape(w)}</li>" for w in strings(t, "warnings"))
        body.append(f'<section class="target" data-target="{escape(str(t["name"]))}">'
                    f"<h2>{escape(str(t['name']))}: interactions with differences</h2>"
                    + (f"<p>Warnings:</p><ul>{warnings}</ul>" if warnings else "")
                    + _interactions(t) + "</section>")  # fmt: skip
    return page("awsrec fidelity report", "".join(body))


def _fid(score: object) -> float | None:
    value = score.get("fidelity") if isinstance(score, dict) else None
    return float(value) if isinstance(value, (int, float)) else None


def page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{escape(title)}</title><style>{STYLE}</style></head>"
            f"<body>{body}</body></html>\n")  # fmt: skip
