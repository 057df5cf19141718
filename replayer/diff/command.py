"""What `awsrec diff` and `awsrec report` do, behind the CLI's thin wiring."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from awsrec.atomic import atomic_write_bytes
from awsrec.errors import UsageError
from awsrec.normalize import load_rules_file
from replayer.diff import history as hist
from replayer.diff.model import DiffSettings, Target
from replayer.diff.reports import parse_formats, write_reports, writing_to
from replayer.diff.reports.document import Document, build_document, summary, targets
from replayer.diff.reports.terminal import print_summary
from replayer.diff.runner import load_sources, run_diff, total_steps


def parse_target(spec: str) -> Target:
    """NAME=URL; credentials other than test/test go in the URL: http://KEY:SECRET@host:port."""
    name, sep, url = spec.partition("=")
    if not sep or not name or not url:
        raise UsageError(f"--target wants NAME=URL, got {spec!r}")
    parts = urlsplit(url)
    if parts.scheme != "http" or not parts.hostname or parts.port is None:
        raise UsageError(f"--target {name}: URL must be http://HOST:PORT, got {url!r}")
    access, secret = "test", "test"
    if parts.username:
        access, secret = unquote(parts.username), unquote(parts.password or "")
    clean = urlunsplit(("http", f"{parts.hostname}:{parts.port}", "", "", ""))
    return Target(name, clean, access, secret)


@dataclass(frozen=True, slots=True)
class Gates:
    """CI gates: exit 1 when a target's fidelity is under `fail_under` or an op regressed.

    With no gate given, the exit code says whether every compared interaction passed.
    """

    fail_under: float | None = None
    no_regressions: bool = False

    @property
    def given(self) -> bool:
        return self.fail_under is not None or self.no_regressions


def _gate_failures(doc: Document, gates: Gates, regressions: list[hist.Regression]) -> list[str]:
    if not gates.given:
        return _failed_interactions(doc)
    failures = []
    if gates.fail_under is not None:
        for t in targets(doc):
            fid = summary(t).get("fidelity")
            if not isinstance(fid, (int, float)) or fid < gates.fail_under:
                failures.append(f"{t['name']}: fidelity {fid}% is under {gates.fail_under}%")
    if gates.no_regressions:
        failures += [f"{r.target}: {r.operation} regressed ({r.previous_label} -> {r.label})"
                     for r in regressions]  # fmt: skip
    return failures


def _failed_interactions(doc: Document) -> list[str]:
    failures = []
    for t in targets(doc):
        passed, compared = summary(t).get("passed"), summary(t).get("compared")
        if isinstance(passed, int) and isinstance(compared, int) and passed < compared:
            failures.append(f"{t['name']}: {compared - passed} of {compared} interactions failed")
    return failures


def run_diff_command(
    paths: list[Path], settings: DiffSettings, *, report_dir: Path | None, formats: str,
    label: str | None, history: Path | None, gates: Gates, console: Console,
    rules_file: Path | None = None,
) -> int:  # fmt: skip
    """Replay, compare, report, keep history, apply gates; returns the exit code.

    `rules_file`: the user's normalisation rules, applied to both sides on top of the built-ins
    (validated before anything is replayed; a bad file is a RulesError).
    """
    fmts = parse_formats(formats)
    rules = load_rules_file(rules_file) if rules_file is not None else None
    if gates.no_regressions and history is None:
        raise UsageError("--no-regressions needs --history DIR to compare with")
    if history is not None and not label:
        raise UsageError("--history needs --label RELEASE to file the result under")
    sources = load_sources(paths)
    if not sources:
        raise UsageError("no cassettes found in " + ", ".join(map(str, paths)))
    for out, what in ((report_dir, "reports"), (history, "history")):
        if out is not None:  # found unusable now, not after a long replay
            with writing_to(out, what):
                out.mkdir(parents=True, exist_ok=True)
    columns = (TextColumn("replaying"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("replay", total=total_steps(sources, settings))
        runs = run_diff(sources, settings, progress=lambda n: bar.advance(task, n), rules=rules)
    doc = build_document(runs, label=label, cassettes=[s.name for s in sources])
    print_summary(doc, console)
    if report_dir is not None:
        for path in write_reports(doc, report_dir, fmts):
            console.print(f"wrote {path}", highlight=False)
    regressions: list[hist.Regression] = []
    if history is not None:
        with writing_to(history, "history"):
            hist.store(doc, history, label)
        regressions = hist.regressions(hist.load(history))
    return _exit(_gate_failures(doc, gates, regressions), gates, console)


def _exit(failures: list[str], gates: Gates, console: Console) -> int:
    """Exit code 1 when a gate (or, with no gate given, an interaction) failed, else 0."""
    what = "gate failed" if gates.given else "failed"
    for failure in failures:
        console.print(f"[red]{what}[/]: {failure}", highlight=False)
    return 1 if failures else 0


def run_report_command(history: Path, *, report_dir: Path | None, formats: str, gates: Gates,
                       console: Console) -> int:  # fmt: skip
    """Render the matrix and trend of a history directory; returns the exit code."""
    from replayer.diff.reports.trend import print_history

    fmts = parse_formats(formats)
    loaded = hist.load(history)
    if not loaded:
        raise UsageError(f"{history}: no stored results (run `awsrec diff --history` first)")
    print_history(loaded, console)
    if report_dir is not None:
        _write_history_reports(loaded, report_dir, fmts, console)
    failures = _gate_failures(hist.latest_document(loaded), gates, hist.regressions(loaded))
    return _exit(failures, gates, console)


def _write_history_reports(loaded: dict[str, list[hist.Entry]], report_dir: Path,
                           fmts: tuple[str, ...], console: Console) -> None:  # fmt: skip
    from replayer.diff.reports.trend import history_html, history_json, history_markdown

    renderers = {"json": ("history.json", history_json), "md": ("history.md", history_markdown),
                 "html": ("history.html", history_html)}  # fmt: skip
    with writing_to(report_dir, "reports"):
        report_dir.mkdir(parents=True, exist_ok=True)
        for fmt in fmts:
            if fmt in renderers:
                name, render = renderers[fmt]
                atomic_write_bytes(report_dir / name, render(loaded).encode("utf-8"))
                console.print(f"wrote {report_dir / name}", highlight=False)
