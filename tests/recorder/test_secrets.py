"""Fail closed: a write that would contain a known secret is refused, naming the field."""

from __future__ import annotations

import json
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


ISSUED_WORKLOAD = """
sts = client("sts")
role = "arn:aws:iam::123456789012:role/recorded"
creds = sts.assume_role(RoleArn=role, RoleSessionName="recorded")["Credentials"]
with open(os.environ["WORKLOAD_ISSUED"], "w") as f:
    json.dump({k: creds[k] for k in ("AccessKeyId", "SecretAccessKey", "SessionToken")}, f)
s3 = client("s3")
s3.create_bucket(Bucket="issued")
# The application stores the temporary secret: a canary since AssumeRole handed it out.
s3.put_object(Bucket="issued", Key="leak", Body=creds["SecretAccessKey"].encode())
print("workload ok")
"""


def test_issued_credentials_are_redacted_and_become_canaries(moto: str, tmp_path: Path) -> None:
    # STS responses get the common rules too: AWS hands out temporary credentials in them.
    # https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
    workload = write_workload(tmp_path / "issued.py", ISSUED_WORKLOAD)
    out = tmp_path / "issued.awsrec"
    issued_file = tmp_path / "issued.json"
    args = ["--out", str(out), "--upstream", moto, "--", "python", str(workload)]
    done = awsrec_record(args, child_env(tmp_path, WORKLOAD_ISSUED=str(issued_file)), tmp_path)
    assert "workload ok" in done.stdout, done.stderr
    issued = json.loads(issued_file.read_text(encoding="utf-8"))
    assert done.returncode == 3, done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("awsrec: error: s3 PutObject: secret SecretAccessKey would be written")
    raw = uncompressed_bytes(out)
    for value in issued.values():
        assert value.encode() not in raw
    cassette = load_cassette(out)
    assert [(i.seq, i.service, i.operation) for i in cassette.interactions] == [
        (1, "sts", "AssumeRole"),
        (2, "s3", "CreateBucket"),
    ]
    body = cassette.interactions[0].response.body
    for member in ("AccessKeyId", "SecretAccessKey", "SessionToken"):
        assert f"<{member}>&lt;redacted&gt;</{member}>".encode() in body
    assert b"<Expiration>&lt;timestamp:iso8601-ms&gt;</Expiration>" in body
