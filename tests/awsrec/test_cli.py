"""The CLI's contract with its user: one line per error or warning, exit codes, no tracebacks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from awsrec.cassette import CassetteHeader, Interaction, Request, Response
from awsrec.cassette_io import CassetteWriter
from tests.support.servers import free_port


def awsrec(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "awsrec", *args], capture_output=True, text=True, timeout=60
    )


def test_help_lists_every_verb_with_one_line_each() -> None:
    done = awsrec("--help")
    assert done.returncode == 0
    for verb in ("record", "serve", "diff", "show", "scenarios", "report"):
        assert verb in done.stdout


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
