"""The CLI's contract with its user: one line per error or warning, exit codes, no tracebacks."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from awsrec.cassette import CassetteHeader, Interaction, Request, Response
from awsrec.cassette_io import CassetteWriter, load_cassette
from tests.recorder.helpers import awsrec_record, child_env
from tests.support.servers import free_port

VERBS = ["record", "serve", "diff", "show", "scenarios", "report"]


def awsrec(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "awsrec", *args], capture_output=True, text=True, timeout=60
    )


def _help(*args: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "awsrec", *args, "--help"]
    wide = {**os.environ, "COLUMNS": "200"}  # help rows are not wrapped at 80 columns
    return subprocess.Popen(command, stdout=subprocess.PIPE, env=wide, text=True)


def test_help_lists_every_verb_with_one_line_each() -> None:
    # The rows of the Commands panel, "│ verb  summary │", parsed: a verb that disappears, or
    # a summary that wraps onto a second row, fails here.
    shown = _help().communicate(timeout=60)[0]
    panel = shown.split("Commands", 1)[1]
    rows = [re.match(r"│ (\S*) +(.*?) *│$", line) for line in panel.splitlines()[1:-1]]
    assert [(m.group(1), bool(m.group(2))) for m in rows if m] == [(v, True) for v in VERBS]
    for verb, proc in [(verb, _help(verb)) for verb in VERBS]:  # each verb's own help runs
        out = proc.communicate(timeout=60)[0]
        assert proc.returncode == 0, verb
        assert re.search(rf"Usage: .*awsrec {verb} \[OPTIONS\]", out), out


def test_usage_mistakes_are_one_line_and_exit_2() -> None:
    for args in (("nosuch",), ("serve", "--nope")):
        done = awsrec(*args)
        assert done.returncode == 2
        assert done.stderr.count("\n") == 1
        assert done.stderr.startswith("awsrec: error: ")


def test_a_torn_cassette_warns_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "torn.awsrec"
    header = CassetteHeader("0.1.0", "2026-01-01T00:00:00Z", "test")
    with CassetteWriter(path, header) as writer:
        for seq in range(3):
            request, response = Request("GET", "/"), Response(200, [], b"<x/>" * 100)
            writer.append(Interaction(seq, "s3", "ListBuckets", request, response))
    path.write_bytes(path.read_bytes()[:-5])
    # Nothing listens on the target: the run reports it; the warning must still be one line.
    done = awsrec("diff", str(path), "--target", f"t=http://127.0.0.1:{free_port()}")
    warnings = [line for line in done.stderr.splitlines() if "truncated" in line]
    assert warnings == [warnings[0]]
    assert warnings[0].startswith(f"awsrec: warning: {path}: dropped a truncated trailing record")
    assert "Traceback" not in done.stderr


def test_out_of_range_numbers_are_usage_errors() -> None:
    for args in (
        ("serve", "--port", "99999"),
        ("serve", "--port", "-1"),
        ("record", "--port", "65536"),
        ("diff", "x.awsrec", "--target", "a=http://127.0.0.1:1", "--fail-under", "150"),
        ("diff", "x.awsrec", "--target", "a=http://127.0.0.1:1", "--jobs", "0"),
        ("report", "history", "--fail-under", "-1"),
    ):
        done = awsrec(*args)
        assert done.returncode == 2, args
        assert done.stderr.count("\n") == 1, args
        assert done.stderr.startswith(f"awsrec: error: Invalid value for '{args[-2]}'"), args


def test_record_out_existing_dir_writes_a_timestamped_cassette(moto: str, tmp_path: Path) -> None:
    # What README's Recording section promises for `--out DIR` without --split-by.
    out = tmp_path / "cassettes"
    out.mkdir()
    workload = "import boto3; boto3.client('s3').list_buckets()"
    args = ["--out", str(out), "--upstream", moto, "--", sys.executable, "-c", workload]
    done = awsrec_record(args, child_env(tmp_path), tmp_path)
    assert done.returncode == 0, done.stderr
    [cassette] = out.iterdir()
    assert re.fullmatch(r"recording-\d{8}-\d{6}\.awsrec", cassette.name)
    assert [i.operation for i in load_cassette(cassette).interactions] == ["ListBuckets"]
