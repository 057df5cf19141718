"""Fail closed: a write that would contain a known secret is refused, naming the field."""

from __future__ import annotations

from pathlib import Path

from awsrec.cassette import load_cassette, uncompressed_bytes
from tests.recorder.helpers import (
    SECRET_KEY,
    SESSION_TOKEN,
    awsrec_record,
    child_env,
    write_workload,
)

LEAKY_WORKLOAD = """
s3 = client("s3")
s3.create_bucket(Bucket="leaky")
# The secret key in an object body, the session token in a custom header: no rule redacts
# either, so only the scanner stands between them and the disk.
s3.put_object(Bucket="leaky", Key="body", Body=os.environ["AWS_SECRET_ACCESS_KEY"].encode())
token = os.environ["AWS_SESSION_TOKEN"]
s3.put_object(Bucket="leaky", Key="meta", Body=b"x", Metadata={"n": token})
s3.put_object(Bucket="leaky", Key="fine", Body=b"nothing secret")
print("workload ok")
"""


def test_an_unredactable_secret_aborts_the_write(moto: str, tmp_path: Path) -> None:
    workload = write_workload(tmp_path / "leaky.py", LEAKY_WORKLOAD)
    out = tmp_path / "leaky.awsrec"
    args = ["--out", str(out), "--upstream", moto, "--", "python", str(workload)]
    done = awsrec_record(args, child_env(tmp_path), tmp_path)
    assert "workload ok" in done.stdout
    assert done.returncode == 3, done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("awsrec: error: s3 PutObject: secret SecretAccessKey would be written")
    assert "(and 1 more)" in last
    raw = uncompressed_bytes(out)  # the records as written, before deflate
    assert SECRET_KEY.encode() not in raw
    assert SESSION_TOKEN.encode() not in raw
    # Everything else was recorded; the refused exchanges are gaps in seq, not silent.
    cassette = load_cassette(out)
    seen = [(i.seq, i.operation) for i in cassette.interactions]
    assert seen == [(1, "CreateBucket"), (4, "PutObject")]
