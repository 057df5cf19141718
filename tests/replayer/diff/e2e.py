"""The end-to-end workload: S3 (aws-chunked over TLS), DynamoDB, and a Lambda function the
cassette creates, invokes and deletes; recorded by `awsrec record -- python workload.py`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tests.recorder.helpers import awsrec_record, child_env, write_workload
from tests.replayer.diff.scenario import boto
from tests.support.record_replay import moto_without_docker

WORKLOAD = """
import io, zipfile

ca = os.environ["AWSREC_RECORDER_CA"]
endpoint = os.environ["AWS_ENDPOINT_URL"]
s3 = client("s3")
# Over https boto3 frames uploads as aws-chunked (STREAMING-UNSIGNED-PAYLOAD-TRAILER).
s3_tls = client("s3", endpoint_url=endpoint.replace("http://", "https://"), verify=ca)
s3.create_bucket(Bucket="e2e-bucket")
s3_tls.put_object(Bucket="e2e-bucket", Key="chunked.txt", Body=b"framed by the SDK")
s3.put_object(Bucket="e2e-bucket", Key="plain.txt", Body=b"plain")
assert s3.get_object(Bucket="e2e-bucket", Key="chunked.txt")["Body"].read() == b"framed by the SDK"
s3.list_objects_v2(Bucket="e2e-bucket")
s3.delete_object(Bucket="e2e-bucket", Key="plain.txt")

ddb = client("dynamodb")
ddb.create_table(
    TableName="e2e-table",
    KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
    AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
    BillingMode="PAY_PER_REQUEST",
)
ddb.put_item(TableName="e2e-table", Item={"pk": {"S": "k"}, "n": {"N": "1"}})
ddb.get_item(TableName="e2e-table", Key={"pk": {"S": "k"}})

lam = client("lambda")
code = io.BytesIO()
with zipfile.ZipFile(code, "w") as z:
    z.writestr("handler.py", "def handler(event, context):\\n    return event\\n")
created = lam.create_function(
    FunctionName="e2e-echo", Runtime="python3.12", Role=os.environ["ROLE_ARN"],
    Handler="handler.handler", Code={"ZipFile": code.getvalue()},
)
answer = lam.invoke(FunctionName="e2e-echo", Payload=b'{"hello": "world"}')
assert json.loads(answer["Payload"].read()) == {"hello": "world"}
lam.get_function(FunctionName=created["FunctionArn"])  # by ARN: the account is in the path
lam.tag_resource(Resource=created["FunctionArn"], Tags={"team": "e2e"})  # /tags/ARN
assert lam.list_tags(Resource=created["FunctionArn"])["Tags"] == {"team": "e2e"}
lam.delete_function(FunctionName="e2e-echo")
try:
    lam.get_function(FunctionName="e2e-echo")
    sys.exit("the function should be gone")
except ClientError as e:
    assert e.response["Error"]["Code"] == "ResourceNotFoundException", e.response
print("workload ok")
"""

OPERATIONS = [
    "CreateBucket", "PutObject", "PutObject", "GetObject", "ListObjectsV2", "DeleteObject",
    "CreateTable", "PutItem", "GetItem",
    "CreateFunction", "Invoke", "GetFunction", "TagResource", "ListTags", "DeleteFunction",
    "GetFunction",
]  # fmt: skip


TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole",
}]})  # fmt: skip


def moto_for_lambda(url: str) -> str:
    """Reset moto for a Lambda cassette: Invoke answered by moto itself, and the IAM role.

    The role is outside the cassette (IAM is not recorded); a target must have it, as a real
    account would. https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html
    """
    moto_without_docker(url)
    made = boto("iam", url).create_role(RoleName="e2e-lambda", AssumeRolePolicyDocument=TRUST)
    return str(made["Role"]["Arn"])


def record_e2e(moto_url: str, tmp: Path) -> Path:
    """Record WORKLOAD from moto with the real recorder, as a user runs it."""
    role = moto_for_lambda(moto_url)
    workload = write_workload(tmp / "workload.py", WORKLOAD)
    out = tmp / "e2e.awsrec"
    args = ["--out", str(out), "--upstream", moto_url, "--", sys.executable, str(workload)]
    done = awsrec_record(args, child_env(tmp, ROLE_ARN=role), tmp)
    assert done.returncode == 0, done.stderr
    assert "workload ok" in done.stdout
    return out
