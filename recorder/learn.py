"""`awsrec record --learn-noise`: record CMD twice, propose rules for what differs between runs."""

from __future__ import annotations

import tempfile
from pathlib import Path

from rich.console import Console
from rich.table import Table

from awsrec.cassette import load_cassette
from awsrec.normalize import RuleSet, dump_rules_file, learn_noise, load_rules_file
from recorder.errors import RecorderError
from recorder.session import RecordOptions, make_settings, record_once, resolve_out

RULES_FILE = "noise-rules.yaml"


def learn(opts: RecordOptions, command: list[str]) -> int:
    """Record `command` twice into DIR/run-1.awsrec and run-2.awsrec, write DIR/noise-rules.yaml.

    DIR is --out (a directory). Returns the first non-zero exit code of CMD, else 0.
    """
    if not command:
        raise RecorderError("--learn-noise needs a command to run twice: -- CMD ARGS", usage=True)
    if opts.split_by:
        raise RecorderError(
            "--learn-noise records one cassette per run; drop --split-by", usage=True
        )
    out_dir = opts.out or resolve_out(None, split=True)
    if out_dir.is_file():
        raise RecorderError(f"--learn-noise needs --out to be a directory, {out_dir} is a file")
    out_dir.mkdir(parents=True, exist_ok=True)
    codes: list[int] = []
    runs: list[Path] = []
    for n in (1, 2):
        with tempfile.TemporaryDirectory(prefix="awsrec-learn-") as tmp:
            cassette = out_dir / f"run-{n}.awsrec"
            settings = make_settings(opts, Path(tmp) / "mitmproxy", out=cassette)
            codes.append(record_once(settings, command, Path(tmp)))
            runs.append(cassette)
    missing = [str(p) for p in runs if not p.is_file()]
    if missing:
        raise RecorderError(f"no traffic was recorded ({', '.join(missing)} missing)")
    extra = load_rules_file(opts.rules) if opts.rules else None
    run_a, run_b = (load_cassette(p).interactions for p in runs)
    proposed = learn_noise(run_a, run_b, extra)
    rules_path = out_dir / RULES_FILE
    dump_rules_file(proposed, rules_path)
    Console().print(summary(proposed, rules_path))
    return next((c for c in codes if c != 0), 0)


def summary(rules: RuleSet, path: Path) -> Table:
    """What --learn-noise found, one rule per row."""
    table = Table(title=f"{len(rules.rules)} noisy field(s) → {path}", title_justify="left")
    for column in ("service", "where", "match", "replace"):
        table.add_column(column)
    for rule in rules.rules:
        table.add_row(rule.service or "*", rule.where, rule.match, rule.replace)
    return table
