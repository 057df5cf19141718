"""`awsrec scenarios list` and `awsrec record --scenarios` as real child processes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from awsrec.cassette import cassette_files, load_cassette
from scenarios.registry import select
from scenarios.upstream import leftovers
from tests.recorder.helpers import awsrec_record, child_env
from tests.scenarios.conftest import moto_without_docker


def awsrec(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "awsrec", *args], capture_output=True, text=True, timeout=60,
        check=False,
    )  # fmt: skip


def test_list_prints_one_plain_line_per_scenario_with_tags() -> None:
    done = awsrec("scenarios", "list", "--service", "dynamodb", "--tag", "gsi")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == len(select("dynamodb:gsi"))
    ident, service, tags, summary = lines[0].split("\t")
    assert ident.startswith("dynamodb/")
    assert service == "dynamodb"
    assert "gsi" in tags.split(",")
    assert summary


def test_usage_errors_exit_2() -> None:
    assert awsrec("scenarios", "run").returncode == 2
    assert awsrec("scenarios", "list", "--service", "ec2").returncode == 2
    assert awsrec("record", "--skip", "multipart").returncode == 2
    assert awsrec("record", "--scenarios", "s3:no-such-tag").returncode == 2


def test_record_writes_one_cassette_per_scenario(moto: str, tmp_path: Path) -> None:
    moto_without_docker(moto)
    out = tmp_path / "out"
    args = ["--scenarios", "s3:copy,lambda:versions", "--skip", "errors", "--seed", "3"]
    done = awsrec_record(
        [*args, "--upstream", moto, "--out", str(out)], child_env(tmp_path), tmp_path
    )
    assert done.returncode == 0, done.stderr
    chosen = select("s3:copy,lambda:versions", skip=["errors"])
    files = cassette_files([out])
    assert {f.relative_to(out).with_suffix("").as_posix() for f in files} == {s.id for s in chosen}
    for f in files:
        cassette = load_cassette(f)
        assert cassette.interactions
        assert not any(i.request.header("x-awsrec-cassette") for i in cassette.interactions)
    assert leftovers(moto) == {}
