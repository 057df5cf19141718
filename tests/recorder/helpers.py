"""Helpers for recorder tests: a child environment with canary credentials, workloads, CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import CLEARED_ENV

# Recognisable fake credentials: moto accepts anything, and a leak is easy to grep for.
ACCESS_KEY = "AKIDRECORDERCANARY01"
SECRET_KEY = "SECRETCANARY0do0not0record0abcdefABCDEF12"
SESSION_TOKEN = "TOKENCANARY0session0token0zyxwvu0987654321"
ROOT = Path(__file__).resolve().parents[2]


def child_env(tmp: Path, **extra: str) -> dict[str, str]:
    """A clean environment for `awsrec record`: canary credentials, no profile, no proxy."""
    env = {k: v for k, v in os.environ.items() if k not in CLEARED_ENV}
    env.update(
        AWS_ACCESS_KEY_ID=ACCESS_KEY,
        AWS_SECRET_ACCESS_KEY=SECRET_KEY,
        AWS_SESSION_TOKEN=SESSION_TOKEN,
        AWS_DEFAULT_REGION="us-east-1",
        AWS_REGION="us-east-1",
        AWS_CONFIG_FILE=str(tmp / "no-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp / "no-credentials"),
        AWS_EC2_METADATA_DISABLED="true",
        NO_PROXY="127.0.0.1,localhost",
        PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p),
    )
    env.update(extra)
    return env


def awsrec_record(
    args: list[str], env: dict[str, str], cwd: Path, timeout: float = 180
) -> subprocess.CompletedProcess[str]:
    """Run `python -m awsrec record ARGS` as a real child process."""
    return subprocess.run(
        [sys.executable, "-m", "awsrec", "record", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def write_workload(path: Path, body: str) -> Path:
    path.write_text(WORKLOAD_PRELUDE + body, encoding="utf-8")
    return path


# Logs every signature the SDK puts on the wire, so tests can prove none reached the cassette.
WORKLOAD_PRELUDE = """
import json, os, sys
import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

SIGNATURES = []

def _log_signature(request, **kwargs):
    auth = request.headers.get("Authorization")
    if auth:
        SIGNATURES.append(auth.decode() if isinstance(auth, bytes) else auth)

def client(service, **kw):
    c = boto3.client(service, config=Config(retries={"max_attempts": 1}), **kw)
    c.meta.events.register("before-send", _log_signature)
    return c

def dump_signatures():
    path = os.environ.get("WORKLOAD_SIGNATURES")
    if path:
        with open(path, "w") as f:
            json.dump(SIGNATURES, f)
"""

# S3 (aws-chunked PutObject over https, plain over http, multipart, ranged GET, list),
# DynamoDB (create, put, failing conditional put), Lambda (list, get of a missing function).
FULL_WORKLOAD = """
ca = os.environ.get("AWSREC_RECORDER_CA")
endpoint = os.environ.get("AWS_ENDPOINT_URL", "")
s3 = client("s3")
if ca and endpoint.startswith("http://") and not os.environ.get("HTTP_PROXY"):
    # The recorder also speaks TLS; over https boto3 sends its default aws-chunked uploads.
    s3_tls = client("s3", endpoint_url=endpoint.replace("http://", "https://"), verify=ca)
else:
    s3_tls = s3
s3.create_bucket(Bucket="rec-bucket")
s3_tls.put_object(Bucket="rec-bucket", Key="chunked.txt", Body=b"hello from an aws-chunked upload")
s3.put_object(Bucket="rec-bucket", Key="plain.txt", Body=b"hello plain")
mpu = s3.create_multipart_upload(Bucket="rec-bucket", Key="big.bin")
parts = []
for n, data in ((1, b"a" * (5 * 1024 * 1024)), (2, b"tail-part")):
    up = s3_tls.upload_part(
        Bucket="rec-bucket", Key="big.bin", UploadId=mpu["UploadId"], PartNumber=n, Body=data
    )
    parts.append({"PartNumber": n, "ETag": up["ETag"]})
s3.complete_multipart_upload(
    Bucket="rec-bucket", Key="big.bin", UploadId=mpu["UploadId"],
    MultipartUpload={"Parts": parts},
)
got = s3.get_object(Bucket="rec-bucket", Key="chunked.txt", Range="bytes=0-9")
assert got["Body"].read() == b"hello from", got
listed = s3.list_objects_v2(Bucket="rec-bucket")
assert [o["Key"] for o in listed["Contents"]] == ["big.bin", "chunked.txt", "plain.txt"], listed

ddb = client("dynamodb")
ddb.create_table(
    TableName="rec-table",
    KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
    AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
    BillingMode="PAY_PER_REQUEST",
)
ddb.put_item(TableName="rec-table", Item={"pk": {"S": "k1"}, "v": {"N": "1"}})
try:
    ddb.put_item(
        TableName="rec-table",
        Item={"pk": {"S": "k1"}, "v": {"N": "2"}},
        ConditionExpression="attribute_not_exists(pk)",
    )
    sys.exit("conditional put should have failed")
except ClientError as e:
    assert e.response["Error"]["Code"] == "ConditionalCheckFailedException", e.response

lam = client("lambda")
lam.list_functions()
try:
    lam.get_function(FunctionName="no-such-function")
    sys.exit("get_function should have failed")
except ClientError as e:
    assert e.response["Error"]["Code"] == "ResourceNotFoundException", e.response
dump_signatures()
print("workload ok")
sys.exit(int(os.environ.get("WORKLOAD_EXIT", "0")))
"""
