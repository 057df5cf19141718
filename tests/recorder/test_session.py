"""End to end: `awsrec record -- python workload.py` against a real moto server."""

from __future__ import annotations

import hashlib
import json
import re
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from awsrec.cassette import Cassette, Interaction, load_cassette, uncompressed_bytes
from tests.recorder.conftest import client
from tests.recorder.helpers import (
    ACCESS_KEY,
    FULL_WORKLOAD,
    SECRET_KEY,
    SESSION_TOKEN,
    awsrec_record,
    child_env,
    write_workload,
)
from tests.support.servers import reset_moto

EXPECTED_OPERATIONS = [
    ("s3", "CreateBucket", 200),
    ("s3", "PutObject", 200),
    ("s3", "PutObject", 200),
    ("s3", "CreateMultipartUpload", 200),
    ("s3", "UploadPart", 200),
    ("s3", "UploadPart", 200),
    ("s3", "CompleteMultipartUpload", 200),
    ("s3", "GetObject", 206),
    ("s3", "ListObjectsV2", 200),
    ("dynamodb", "CreateTable", 200),
    ("dynamodb", "PutItem", 200),
    ("dynamodb", "PutItem", 400),
    ("lambda", "ListFunctions", 200),
    ("lambda", "GetFunction", 404),
]


@dataclass
class Recorded:
    result: str
    cassette: Cassette
    raw: bytes
    signatures: list[str]


def _record(moto_url: str, tmp: Path, mode: str) -> Recorded:
    reset_moto(moto_url)
    workload = write_workload(tmp / "workload.py", FULL_WORKLOAD)
    out = tmp / f"{mode}.awsrec"
    signatures = tmp / "signatures.json"
    env = child_env(tmp, WORKLOAD_SIGNATURES=str(signatures), WORKLOAD_EXIT="7")
    args = ["--out", str(out), "--mode", mode, "--upstream", moto_url]
    args += ["--", "python", str(workload)]
    done = awsrec_record(args, env, tmp)
    # CMD's exit code is awsrec record's exit code.
    assert done.returncode == 7, done.stderr
    assert "workload ok" in done.stdout
    raw = uncompressed_bytes(out)  # the records as written, before deflate
    return Recorded(done.stderr, load_cassette(out), raw, json.loads(signatures.read_text()))


@pytest.fixture(scope="module")
def endpoint_run(moto_url: str, tmp_path_factory: pytest.TempPathFactory) -> Recorded:
    return _record(moto_url, tmp_path_factory.mktemp("endpoint"), "endpoint")


@pytest.fixture(scope="module")
def proxy_run(moto_url: str, tmp_path_factory: pytest.TempPathFactory) -> Recorded:
    return _record(moto_url, tmp_path_factory.mktemp("proxy"), "proxy")


def _find(cassette: Cassette, operation: str) -> list[Interaction]:
    return [i for i in cassette.interactions if i.operation == operation]


def _assert_workload(cassette: Cassette) -> None:
    seen = [(i.service, i.operation, i.response.status) for i in cassette.interactions]
    assert seen == EXPECTED_OPERATIONS
    assert [i.seq for i in cassette.interactions] == list(range(1, len(seen) + 1))
    assert cassette.header.upstream.startswith("moto-server http://127.0.0.1:")
    assert all(i.elapsed_ms > 0 for i in cassette.interactions)
    assert {"s3", "dynamodb", "lambda"} <= {k.split("/")[0] for k in cassette.header.rule_sets}
    puts = _find(cassette, "PutObject")
    assert {p.request.body for p in puts} == {b"hello from an aws-chunked upload", b"hello plain"}
    assert all(p.request.path.startswith("/rec-bucket/") for p in puts)
    assert all(p.flags["addressing"] == "path" for p in puts)
    assert {p.request.header("Host") for p in puts} == {cassette.header.upstream.split("//")[1]}
    parts = _find(cassette, "UploadPart")
    assert [len(p.request.body) for p in parts] == [5 * 1024 * 1024, len(b"tail-part")]
    ranged = _find(cassette, "GetObject")[0]
    assert ranged.request.header("Range") == "bytes=0-9"
    assert ranged.response.body == b"hello from"
    listed = _find(cassette, "ListObjectsV2")[0].response.body
    assert b"<Key>big.bin</Key>" in listed
    assert b"<Key>plain.txt</Key>" in listed
    failed = _find(cassette, "PutItem")[1]
    assert json.loads(failed.response.body)["__type"].endswith("ConditionalCheckFailedException")
    missing = _find(cassette, "GetFunction")[0]
    # https://docs.aws.amazon.com/lambda/latest/api/API_GetFunction.html#API_GetFunction_Errors
    assert missing.response.header("X-Amzn-ErrorType") == "ResourceNotFoundException"
    assert b"no-such-function" in missing.response.body


def test_endpoint_mode_records_the_workload(endpoint_run: Recorded) -> None:
    _assert_workload(endpoint_run.cassette)


def test_endpoint_mode_records_aws_chunked_uploads_decoded(endpoint_run: Recorded) -> None:
    # boto3's default over https: STREAMING-UNSIGNED-PAYLOAD-TRAILER with a CRC32 trailer.
    # https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming-trailers.html
    put = next(p for p in _find(endpoint_run.cassette, "PutObject") if "aws_chunked" in p.flags)
    assert put.request.body == b"hello from an aws-chunked upload"
    chunked = put.flags["aws_chunked"]
    assert chunked["content_sha256"] == "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
    assert set(chunked["trailers"]) == {"x-amz-checksum-crc32"}
    part = _find(endpoint_run.cassette, "UploadPart")[0]
    assert "aws_chunked" in part.flags
    assert part.request.body == b"a" * (5 * 1024 * 1024)


def test_proxy_mode_records_the_workload(proxy_run: Recorded) -> None:
    _assert_workload(proxy_run.cassette)


@pytest.mark.parametrize("run", ["endpoint_run", "proxy_run"])
def test_no_secret_or_signature_reaches_the_cassette(
    run: str, request: pytest.FixtureRequest
) -> None:
    recorded: Recorded = request.getfixturevalue(run)
    for secret in (SECRET_KEY, SESSION_TOKEN, ACCESS_KEY):
        assert secret.encode() not in recorded.raw
    sent = [re.search(r"Signature=([0-9a-f]{64})", s) for s in recorded.signatures]
    assert sent
    for match in sent:
        assert match is not None
        assert match.group(1).encode() not in recorded.raw
    # Any 64-hex run left must be a payload hash of a recorded body, not a signature.
    hashes = {
        hashlib.sha256(body).hexdigest().encode()
        for i in recorded.cassette.interactions
        for body in (i.request.body, i.response.body)
    }
    leftover = set(re.findall(rb"(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])", recorded.raw))
    assert leftover <= hashes


def test_without_a_command_it_prints_the_env_and_records_until_ctrl_c(
    moto: str, tmp_path: Path
) -> None:
    out = tmp_path / "interactive.awsrec"
    cmd = [sys.executable, "-m", "awsrec", "record", "--out", str(out), "--upstream", moto]
    proc = subprocess.Popen(
        cmd, env=child_env(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    exports: dict[str, str] = {}
    for line in proc.stdout:
        if line.startswith("unset "):  # the last line of the env block
            break
        name, _, value = line.removeprefix("export ").strip().partition("=")
        exports[name] = value
    endpoint = exports["AWS_ENDPOINT_URL"]
    assert endpoint.startswith("http://127.0.0.1:")
    client("s3", endpoint).list_buckets()
    proc.send_signal(signal.SIGINT)
    assert proc.wait(60) == 0
    assert [i.operation for i in load_cassette(out).interactions] == ["ListBuckets"]
