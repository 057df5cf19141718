"""`awsrec diff` and `awsrec report` as a user runs them: history, regressions and CI gates."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.replayer.diff.divergent import diverge
from tests.replayer.diff.made import cassette_of, history_of
from tests.replayer.diff.proxies import proxy
from tests.support.servers import free_port


def _awsrec(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "awsrec", *args], capture_output=True,
                          text=True, timeout=120)  # fmt: skip


def test_history_regressions_and_gates(cassettes: Path, moto: str, tmp_path: Path) -> None:
    hist = tmp_path / "hist"
    s3 = str(cassettes / "s3.awsrec")
    first = _awsrec("diff", s3, "--target", f"emu={moto}", "--label", "v1", "--history",
                    str(hist), "--fail-under", "100")  # fmt: skip
    assert first.returncode == 0, first.stderr
    with proxy(moto, diverge) as (url, _):
        second = _awsrec("diff", s3, "--target", f"emu={url}", "--label", "v2", "--history",
                         str(hist), "--no-regressions", "--report", str(tmp_path / "rep"),
                         "--format", "json")  # fmt: skip
    assert second.returncode == 1
    assert "regressed (v1 -> v2)" in second.stdout
    assert [p.name for p in (tmp_path / "rep").iterdir()] == ["fidelity.json"]

    report = _awsrec("report", str(hist), "--report", str(tmp_path / "h"), "--no-regressions")
    assert report.returncode == 1
    data = json.loads((tmp_path / "h" / "history.json").read_text())
    assert data["labels"] == ["v1", "v2"]
    assert data["trend"]["emu"][0] == 100.0
    assert data["trend"]["emu"][1] < 100.0
    regressed = {r["operation"] for r in data["regressions"]}
    assert regressed == {"s3/GetObject", "s3/PutObject", "s3/ListObjectsV2", "s3/DeleteObject"}
    html = (tmp_path / "h" / "history.html").read_text()
    assert html.count('class="regression"') == 4
    no_gate = _awsrec("report", str(hist))  # no gate asked for: v2's failures decide
    assert no_gate.returncode == 1
    assert "failed: emu: 6 of 14 interactions failed" in no_gate.stdout


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    bad = _awsrec("diff", str(tmp_path), "--target", "nourl")
    assert bad.returncode == 2
    assert "NAME=URL" in bad.stderr
    fmt = _awsrec("diff", str(tmp_path), "--target", "a=http://127.0.0.1:1", "--format", "pdf")
    assert fmt.returncode == 2
    assert "unknown report format" in fmt.stderr


def test_rules_file_applies_to_both_sides(cassettes: Path, moto: str, tmp_path: Path) -> None:
    # KeyCount made a placeholder on both sides: the divergent target's altered count is gone.
    rules = tmp_path / "rules.yaml"
    rules.write_text('rules:\n  - {where: xml-path, match: //KeyCount, replace: "<count>"}\n')
    with proxy(moto, diverge) as (url, _):
        done = _awsrec("diff", str(cassettes / "s3.awsrec"), "--target", f"div={url}", "--rules",
                       str(rules), "--report", str(tmp_path), "--format", "json")  # fmt: skip
    # The target diverges elsewhere too, and no gate is given: those failures make it exit 1.
    assert done.returncode == 1, done.stderr
    [target] = json.loads((tmp_path / "fidelity.json").read_text())["targets"]
    [listing] = [r for r in target["interactions"] if r["seq"] == 7]
    assert listing["operation"] == "ListObjectsV2"
    assert listing["passed"]
    assert "<KeyCount>&lt;count&gt;</KeyCount>" in listing["expected"]["body"]


def test_bad_rules_file_is_one_line_before_any_replay(tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text("rules:\n  - {where: nowhere, match: x, replace: y}\n")
    # The target does not exist: the file is rejected before anything is sent.
    done = _awsrec("diff", str(tmp_path), "--target", "a=http://127.0.0.1:1", "--rules", str(rules))
    assert done.returncode == 3
    assert done.stderr.count("\n") == 1
    assert done.stderr.startswith(f"awsrec: error: {rules}: rule 0: field 'where'")
    missing = _awsrec("diff", str(tmp_path), "--target", "a=http://127.0.0.1:1",
                      "--rules", str(tmp_path / "none.yaml"))  # fmt: skip
    assert missing.returncode == 3
    assert "cannot read rules file" in missing.stderr


def test_report_replaces_history_files_whole(tmp_path: Path) -> None:
    hist, out = history_of(tmp_path / "hist", ("v1", [True])), tmp_path / "out"
    assert _awsrec("report", str(hist), "--report", str(out)).returncode == 0
    names = ("history.json", "history.md", "history.html")
    for name in names:  # what a reader holds open: the old inode, which must stay whole
        os.link(out / name, tmp_path / f"reader-{name}")
    history_of(hist, ("v2", [True]))
    assert _awsrec("report", str(hist), "--report", str(out)).returncode == 0
    assert json.loads((tmp_path / "reader-history.json").read_text())["labels"] == ["v1"]
    assert json.loads((out / "history.json").read_text())["labels"] == ["v1", "v2"]
    for name in names:
        assert (tmp_path / f"reader-{name}").read_bytes() != (out / name).read_bytes()


def test_unusable_output_paths_are_one_line_naming_the_path(tmp_path: Path) -> None:
    cassette = cassette_of(tmp_path / "c.awsrec")
    taken = tmp_path / "taken"
    taken.write_text("a file, not a directory")
    target = "a=http://127.0.0.1:1"  # never reached: outputs are checked before replaying
    runs = [
        ("reports", "diff", str(cassette), "--target", target, "--report", str(taken)),
        ("history", "diff", str(cassette), "--target", target, "--label", "v1",
         "--history", str(taken)),
        ("reports", "report", str(history_of(tmp_path / "h", ("v1", [True]))),
         "--report", str(taken)),
    ]  # fmt: skip
    for what, *args in runs:
        done = _awsrec(*args)
        assert done.returncode == 3, (args, done.stderr)
        reason = f"{taken}: cannot write {what} there: it is not a directory"
        assert done.stderr == f"awsrec: error: {reason}\n"


def test_without_gates_diff_exits_1_when_any_interaction_fails(tmp_path: Path) -> None:
    # STYLE.md: exit 1 when differences/failures are found. Nothing listens on the target, so
    # every interaction errors: 0% fidelity must not exit 0 as it used to.
    cassette = cassette_of(tmp_path / "c.awsrec", operations=2)
    target = f"gone=http://127.0.0.1:{free_port()}"
    done = _awsrec("diff", str(cassette), "--target", target)
    assert done.returncode == 1, done.stderr
    assert "failed: gone: 2 of 2 interactions failed" in done.stdout
    gated = _awsrec("diff", str(cassette), "--target", target, "--fail-under", "0")
    assert gated.returncode == 0, gated.stderr  # a gate was given: the gate decides


def test_without_gates_report_exits_on_the_latest_results(tmp_path: Path) -> None:
    hist = history_of(tmp_path / "h", ("v1", [True, False]), ("v2", [True, True]))
    assert _awsrec("report", str(hist)).returncode == 0
    history_of(hist, ("v3", [True, False]))
    done = _awsrec("report", str(hist))
    assert done.returncode == 1
    assert "failed: emu: 1 of 2 interactions failed" in done.stdout
    assert _awsrec("report", str(hist), "--fail-under", "50").returncode == 0


def test_the_regression_gate_is_one_pair_of_switches(tmp_path: Path) -> None:
    hist = history_of(tmp_path / "h", ("v1", [True]), ("v2", [True]))
    wide = {**os.environ, "COLUMNS": "200"}  # help is not cut to 80 columns
    for verb in ("diff", "report"):
        shown = subprocess.run([sys.executable, "-m", "awsrec", verb, "--help"], env=wide,
                               capture_output=True, text=True, timeout=60).stdout  # fmt: skip
        assert "--allow-regressions" in shown
        assert "--no-no-regressions" not in shown
    assert _awsrec("report", str(hist), "--no-regressions", "--allow-regressions").returncode == 0
    wrong = _awsrec("report", str(hist), "--no-no-regressions")
    assert wrong.returncode == 2
    assert wrong.stderr.startswith("awsrec: error: No such option: --no-no-regressions")
