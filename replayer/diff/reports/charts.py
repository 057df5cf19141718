"""Inline SVG charts for the HTML reports: no scripts, no external assets."""

from __future__ import annotations

from html import escape

PALETTE = ("#2563eb", "#d97706", "#059669", "#7c3aed", "#dc2626", "#0891b2", "#65a30d")
SEVERITY_COLOURS = {"critical": "#b91c1c", "major": "#ea580c", "minor": "#ca8a04",
                    "info": "#64748b"}  # fmt: skip


def bar_chart(chart_id: str, groups: list[str], series: dict[str, list[float | None]]) -> str:
    """Grouped horizontal bars: one group per entry of `groups`, one bar per series (0-100)."""
    names = list(series)
    bar_h, gap, left, width = 14, 10, 150, 420
    group_h = bar_h * max(1, len(names)) + gap
    height = group_h * len(groups) + 30 + 18 * len(names)
    parts = [f'<svg id="{chart_id}" class="chart" xmlns="http://www.w3.org/2000/svg" '
             f'width="{left + width + 70}" height="{height}" role="img">']  # fmt: skip
    for gi, group in enumerate(groups):
        y0 = gi * group_h + 10
        parts.append(f'<text x="{left - 8}" y="{y0 + group_h / 2}" text-anchor="end" '
                     f'class="label">{escape(group)}</text>')  # fmt: skip
        for si, name in enumerate(names):
            value = series[name][gi]
            y = y0 + si * bar_h
            w = 0.0 if value is None else width * value / 100.0
            text = "n/a" if value is None else f"{value:.1f}%"
            colour = PALETTE[si % len(PALETTE)]
            parts.append(
                f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar_h - 2}" fill="{colour}" '
                f'data-series="{escape(name)}" data-group="{escape(group)}">'
                f"<title>{escape(name)} {escape(group)}: {text}</title></rect>"
                f'<text x="{left + w + 4:.1f}" y="{y + bar_h - 4}" class="value">{text}</text>'
            )
    ly = len(groups) * group_h + 20
    for si, name in enumerate(names):
        colour = PALETTE[si % len(PALETTE)]
        parts.append(f'<rect x="{left}" y="{ly + si * 18}" width="12" height="12" '
                     f'fill="{colour}"/><text x="{left + 18}" y="{ly + si * 18 + 11}" '
                     f'class="label">{escape(name)}</text>')  # fmt: skip
    parts.append("</svg>")
    return "".join(parts)


def severity_bars(chart_id: str, counts: dict[str, dict[str, int]]) -> str:
    """One stacked bar per target: differences by severity."""
    left, width, bar_h = 150, 420, 18
    most = max([sum(c.get(s, 0) for s in SEVERITY_COLOURS) for c in counts.values()] + [1])
    height = bar_h * len(counts) * 1.5 + 40
    parts = [f'<svg id="{chart_id}" class="chart" xmlns="http://www.w3.org/2000/svg" '
             f'width="{left + width + 70}" height="{height:.0f}" role="img">']  # fmt: skip
    for ti, (target, by_sev) in enumerate(counts.items()):
        y = ti * bar_h * 1.5 + 8
        parts.append(f'<text x="{left - 8}" y="{y + 13}" text-anchor="end" class="label">'
                     f"{escape(target)}</text>")  # fmt: skip
        x = float(left)
        for sev, colour in SEVERITY_COLOURS.items():
            n = by_sev.get(sev, 0)
            w = width * n / most
            if n:
                parts.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" '
                             f'fill="{colour}" data-severity="{sev}" data-count="{n}">'
                             f"<title>{escape(target)}: {n} {sev}</title></rect>")  # fmt: skip
            x += w
    ly = len(counts) * bar_h * 1.5 + 16
    for si, (sev, colour) in enumerate(SEVERITY_COLOURS.items()):
        parts.append(f'<rect x="{left + si * 90}" y="{ly}" width="12" height="12" '
                     f'fill="{colour}"/><text x="{left + si * 90 + 16}" y="{ly + 11}" '
                     f'class="label">{sev}</text>')  # fmt: skip
    parts.append("</svg>")
    return "".join(parts)


def line_chart(chart_id: str, labels: list[str], series: dict[str, list[float | None]]) -> str:
    """Fidelity (0-100) across labels, one line per series."""
    left, top, width, height = 50, 10, max(120, 90 * len(labels)), 200
    step = width / max(1, len(labels) - 1)
    parts = [f'<svg id="{chart_id}" class="chart" xmlns="http://www.w3.org/2000/svg" '
             f'width="{left + width + 160}" height="{height + 50}" role="img">']  # fmt: skip
    for pct in (0, 50, 100):
        y = top + height * (1 - pct / 100)
        parts.append(f'<line x1="{left}" x2="{left + width}" y1="{y}" y2="{y}" class="grid"/>'
                     f'<text x="{left - 6}" y="{y + 4}" text-anchor="end" class="label">'
                     f"{pct}%</text>")  # fmt: skip
    for li, label in enumerate(labels):
        parts.append(f'<text x="{left + li * step:.1f}" y="{top + height + 18}" '
                     f'text-anchor="middle" class="label">{escape(label)}</text>')  # fmt: skip
    for si, (name, values) in enumerate(series.items()):
        colour = PALETTE[si % len(PALETTE)]
        points = [(left + i * step, top + height * (1 - v / 100))
                  for i, v in enumerate(values) if v is not None]  # fmt: skip
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" '
                         'stroke-width="2"/>')  # fmt: skip
        for (x, y), v in zip(points, [v for v in values if v is not None], strict=True):
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}" '
                         f'data-series="{escape(name)}" data-value="{v}">'
                         f"<title>{escape(name)}: {v:.2f}%</title></circle>")  # fmt: skip
        parts.append(f'<text x="{left + width + 12}" y="{top + 14 + si * 16}" fill="{colour}" '
                     f'class="label">{escape(name)}</text>')  # fmt: skip
    parts.append("</svg>")
    return "".join(parts)
