"""`awsrec record --learn-noise`: two runs, a rules file for what differs, a summary table."""

from __future__ import annotations

from pathlib import Path

from awsrec.normalize import load_rules_file
from tests.recorder.helpers import awsrec_record, child_env, write_workload

NOISY_WORKLOAD = """
import uuid
s3 = client("s3")
try:
    s3.create_bucket(Bucket="noisy")
except ClientError:
    pass  # the second run finds it
# A fresh body each run: its ETag differs between runs, in the PutObject response header and
# in the ListObjectsV2 listing.
s3.put_object(Bucket="noisy", Key="k", Body=uuid.uuid4().hex.encode())
s3.list_objects_v2(Bucket="noisy")
"""


def test_learn_noise_proposes_rules_for_values_that_differ(moto: str, tmp_path: Path) -> None:
    workload = write_workload(tmp_path / "noisy.py", NOISY_WORKLOAD)
    out = tmp_path / "noise"
    args = ["--learn-noise", "--out", str(out), "--upstream", moto, "--", "python", str(workload)]
    done = awsrec_record(args, child_env(tmp_path), tmp_path)
    assert done.returncode == 0, done.stderr
    assert {p.name for p in out.iterdir()} == {"run-1.awsrec", "run-2.awsrec", "noise-rules.yaml"}
    rules = load_rules_file(out / "noise-rules.yaml").rules
    found = {(r.service, r.where, r.match) for r in rules}
    assert ("s3", "header", "ETag") in found
    # The recorder's own port is not noise: the recorded Host is the upstream's.
    assert ("s3", "header", "host") not in found
    assert any(r.where == "xml-path" and r.match.endswith("ETag") for r in rules)
    assert "noisy field(s)" in done.stdout
    assert "ETag" in done.stdout
