from __future__ import annotations

import io
import json
import zipfile

from awsrec.cassette import Interaction, Request, Response
from awsrec.normalize import Normaliser
from tests.awsrec.normalize.wire import client

FUNCTION_ARN = "arn:aws:lambda:us-west-2:123456789012:function:my-function"

# GetFunction as AWS answers it: LastModified is ISO-8601 with a +0000 offset and Code.Location
# a presigned S3 URL. https://docs.aws.amazon.com/lambda/latest/api/API_GetFunction.html
# https://docs.aws.amazon.com/lambda/latest/api/API_FunctionConfiguration.html
AWS_GET_FUNCTION = json.dumps(
    {
        "Configuration": {
            "FunctionName": "my-function",
            "FunctionArn": FUNCTION_ARN,
            "Runtime": "python3.12",
            "Role": "arn:aws:iam::123456789012:role/lambda-role",
            "Handler": "index.handler",
            "CodeSize": 304,
            "Timeout": 3,
            "MemorySize": 128,
            "LastModified": "2024-11-21T08:32:24.123+0000",
            "CodeSha256": "YFgDgEKG3ugvF1+pX64gV6tu9qNuIYNUdgJm8nCxsm4=",
            "Version": "$LATEST",
            "RevisionId": "28f0fb31-5c5c-43d3-8955-03e76c5c1075",
            "State": "Active",
            "LastUpdateStatus": "Successful",
        },
        "Code": {
            "RepositoryType": "S3",
            "Location": "https://awslambda-us-west-2-tasks.s3.us-west-2.amazonaws.com/snapshots/"
            "123456789012/my-function-4ee0b2e4?versionId=sHVcZ&X-Amz-Security-Token=IQoJb3JpZ2lu"
            "&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20241121T083224Z"
            "&X-Amz-Credential=ASIAEXAMPLE%2F20241121%2Fus-west-2%2Fs3%2Faws4_request"
            "&X-Amz-Signature=0a1b2c3d",
        },
    }
).encode()


def _exchange(operation: str, path: str, body: bytes, req_body: bytes = b"") -> Interaction:
    headers = [("x-amzn-RequestId", "f3d1c8d4-71f6-4a4e-a5c4-5c5b0b7e6c31")]
    return Interaction(
        0, "lambda", operation, Request("GET", path, [], [], req_body), Response(200, headers, body)
    )


def test_aws_shaped_get_function_by_arn() -> None:
    path = "/2015-03-31/functions/" + FUNCTION_ARN.replace(":", "%3A")
    out = Normaliser().normalise(_exchange("GetFunction", path, AWS_GET_FUNCTION))
    doc = json.loads(out.response.body)
    conf = doc["Configuration"]
    assert conf["FunctionArn"] == "arn:aws:lambda:us-west-2:000000000000:function:my-function"
    assert conf["Role"] == "arn:aws:iam::000000000000:role/lambda-role"
    assert conf["RevisionId"] == "<uuid:1>"
    assert conf["LastModified"] == "<timestamp:iso8601-offset-ms>"
    assert conf["CodeSha256"] == "YFgDgEKG3ugvF1+pX64gV6tu9qNuIYNUdgJm8nCxsm4="  # content
    assert doc["Code"]["Location"] == "<presigned-url>"
    assert out.request.path == path.replace("123456789012", "000000000000")
    assert out.response.header("x-amzn-RequestId") == "<request-id:1>"
    assert b"123456789012" not in out.response.body


def test_presigned_credentials_in_any_body_are_redacted() -> None:
    # Not the Code.Location field: a body-regex rule catches presigned URLs anywhere.
    body = json.dumps({"Message": json.loads(AWS_GET_FUNCTION)["Code"]["Location"]}).encode()
    out = Normaliser().normalise(_exchange("ListTags", "/x", body))
    url = json.loads(out.response.body)["Message"]
    assert "X-Amz-Signature=<redacted>" in url
    assert "X-Amz-Credential=<redacted>" in url
    assert "X-Amz-Security-Token=<redacted>" in url
    assert "X-Amz-Algorithm=AWS4-HMAC-SHA256" in url


def test_invoke_payload_is_the_users() -> None:
    payload = b'{"LastModified": "2024-11-21T08:32:24.123+0000", "RequestId": "abc"}'
    out = Normaliser().normalise(_exchange("Invoke", "/x", payload, req_body=payload))
    assert out.response.body == payload
    assert out.request.body == payload


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("index.py", "def handler(event, context):\n    return event\n")
    return buf.getvalue()


def test_get_function_from_a_real_exchange(moto: str) -> None:
    iam, _ = client("iam", moto)
    role = iam.create_role(RoleName="r", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    lam, rec = client("lambda", moto)
    lam.create_function(
        FunctionName="fn",
        Runtime="python3.12",
        Role=role,
        Handler="index.handler",
        Code={"ZipFile": _zip()},
    )
    lam.get_function(FunctionName="fn")
    n = Normaliser()
    create, get = (n.normalise(i) for i in rec.interactions)
    conf = json.loads(get.response.body)["Configuration"]
    created = json.loads(create.response.body)
    assert conf["FunctionArn"] == "arn:aws:lambda:us-east-1:000000000000:function:fn"
    assert conf["FunctionArn"] == created["FunctionArn"]
    # moto answers ...Z where AWS answers ...+0000: the placeholder keeps that visible to diff.
    assert conf["LastModified"] == created["LastModified"] == "<timestamp:iso8601-ms>"
    assert json.loads(get.response.body)["Code"]["Location"] == "<presigned-url>"
    # The request body carried the role ARN: rewritten, with Content-Length kept true.
    assert create.request.header("Content-Length") == str(len(create.request.body))
    assert b"000000000000" in create.request.body
