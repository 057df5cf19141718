"""End to end: `awsrec record -- python workload.py` from moto, then `awsrec diff` on a fresh moto.

The workload (tests/replayer/diff/e2e.py) covers S3 (an aws-chunked upload over the recorder's
TLS, as boto3 sends it over https), DynamoDB and a Lambda function the cassette creates,
invokes and deletes itself.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path

from awsrec.cassette import Cassette, load_cassette
from replayer.diff.model import DiffSettings, Severity, Target
from replayer.diff.runner import load_sources, run_diff
from tests.replayer.diff.e2e import OPERATIONS, moto_for_lambda
from tests.replayer.diff.scenario import boto


def _diff_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "awsrec", "diff", *args], capture_output=True,
                          text=True, timeout=120)  # fmt: skip


def test_cassette_holds_the_workload_and_the_function_code(e2e_cassette: Path) -> None:
    cassette: Cassette = load_cassette(e2e_cassette)
    assert [i.operation for i in cassette.interactions] == OPERATIONS
    chunked = cassette.interactions[1]
    assert chunked.flags["aws_chunked"]["content_sha256"] == "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
    assert chunked.request.body == b"framed by the SDK"  # stored decoded
    create = json.loads(cassette.interactions[9].request.body)
    # The recorder keeps CreateFunction's code, so a cassette that creates its function can be
    # replayed anywhere. https://docs.aws.amazon.com/lambda/latest/api/API_FunctionCode.html
    assert base64.b64decode(create["Code"]["ZipFile"])[:2] == b"PK"
    assert create["Role"].startswith("arn:aws:iam::000000000000:role/")


def test_awsrec_diff_on_a_fresh_moto_finds_no_critical_difference(
    e2e_cassette: Path, moto_url: str, tmp_path: Path
) -> None:
    moto_for_lambda(moto_url)
    done = _diff_cli(str(e2e_cassette), "--target", f"moto={moto_url}", "--report",
                     str(tmp_path), "--format", "json")  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    [target] = json.loads((tmp_path / "fidelity.json").read_text())["targets"]
    assert target["warnings"] == []
    assert target["severities"]["critical"] == 0
    assert target["summary"]["compared"] == len(OPERATIONS)
    failing = [(r["seq"], r["operation"], r["differences"]) for r in target["interactions"]
               if not r["passed"]]  # fmt: skip
    assert failing == []


def test_lambda_create_invoke_delete_replays_and_cleans_up(
    e2e_cassette: Path, moto_url: str
) -> None:
    role = moto_for_lambda(moto_url)
    [run] = run_diff(load_sources([e2e_cassette]), DiffSettings(targets=(Target("moto", moto_url),),
                                                                 only=("lambda",)))  # fmt: skip
    assert [(r.operation, r.passed) for r in run.results] == [
        ("CreateFunction", True), ("Invoke", True), ("GetFunction", True), ("TagResource", True),
        ("ListTags", True), ("DeleteFunction", True), ("GetFunction", True)]  # fmt: skip
    assert not [d for r in run.results for d in r.differences if d.severity >= Severity.MAJOR]
    # The function was created under an isolated name with the target's own account in its
    # role, then deleted by the cassette itself; nothing is left behind.
    assert boto("lambda", moto_url).list_functions()["Functions"] == []
    assert role.split(":")[4] == "123456789012"  # moto's account, not the cassette's
