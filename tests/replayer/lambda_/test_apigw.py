"""End to end: a Flask app as a Lambda behind the API Gateway v1 front, storing to S3 and DynamoDB.

The app is wrapped with apig-wsgi (vendored into the zip, as users deploy it); Flask itself comes
from the interpreter's site-packages.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import apig_wsgi

from tests.replayer.conftest import ddb_client, raw, s3_client
from tests.replayer.lambda_.conftest import Create, invoke

APP = """
import boto3
from apig_wsgi import make_lambda_handler
from flask import Flask, jsonify, request

app = Flask(__name__)
s3 = boto3.client("s3")
ddb = boto3.client("dynamodb")


@app.post("/uploads/<name>")
def upload(name):
    data = request.get_data()
    s3.put_object(Bucket="uploads", Key=name, Body=data)
    item = {"name": {"S": name}, "size": {"N": str(len(data))},
            "tag": {"S": request.args.get("tag", "")}}
    ddb.put_item(TableName="records", Item=item)
    return jsonify(name=name, size=len(data)), 201


@app.get("/uploads/<name>")
def fetch(name):
    item = ddb.get_item(TableName="records", Key={"name": {"S": name}}).get("Item")
    if item is None:
        return jsonify(error="no such upload"), 404
    body = s3.get_object(Bucket="uploads", Key=name)["Body"].read()
    return jsonify(name=name, size=int(item["size"]["N"]), tag=item["tag"]["S"],
                   body=body.decode(), agent=request.headers.get("User-Agent"))


handler = make_lambda_handler(app)
"""


def _package() -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {"app.py": APP}
    vendored = Path(apig_wsgi.__file__).parent
    for path in vendored.glob("*.py"):
        files[f"apig_wsgi/{path.name}"] = path.read_bytes()
    return files


def _world(served: str) -> tuple[Any, Any]:
    s3, ddb = s3_client(served), ddb_client(served)
    s3.create_bucket(Bucket="uploads")
    ddb.create_table(
        TableName="records",
        KeySchema=[{"AttributeName": "name", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "name", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return s3, ddb


def test_flask_app_through_the_api_gateway_front(lam: Any, create: Create, served: str) -> None:
    s3, ddb = _world(served)
    create("web", source=_package(), Timeout=10)
    status, _, body = raw(
        served, "POST", "/_awsrec/apigw/web/uploads/a.txt?tag=t1", {"Content-Type": "text/plain"},
        b"hello world",
    )  # fmt: skip
    assert (status, json.loads(body)) == (201, {"name": "a.txt", "size": 11})
    # The data landed in the served world.
    assert s3.get_object(Bucket="uploads", Key="a.txt")["Body"].read() == b"hello world"
    item = ddb.get_item(TableName="records", Key={"name": {"S": "a.txt"}})["Item"]
    assert item == {"name": {"S": "a.txt"}, "size": {"N": "11"}, "tag": {"S": "t1"}}
    status, headers, body = raw(
        served, "GET", "/_awsrec/apigw/web/uploads/a.txt", {"User-Agent": "browser/1"}
    )
    assert status == 200
    assert dict((k.lower(), v) for k, v in headers)["content-type"] == "application/json"
    assert json.loads(body) == {
        "name": "a.txt", "size": 11, "tag": "t1", "body": "hello world", "agent": "browser/1",
    }  # fmt: skip
    status, _, body = raw(served, "GET", "/_awsrec/apigw/web/uploads/missing")
    assert (status, json.loads(body)) == (404, {"error": "no such upload"})


def test_flask_app_through_invoke_with_a_proxy_event(lam: Any, create: Create, served: str) -> None:
    s3, _ = _world(served)
    create("web", source=_package(), Timeout=10)
    event = {
        "resource": "/{proxy+}", "path": "/uploads/b.bin", "httpMethod": "POST",
        "headers": {"Content-Type": "application/octet-stream"},
        "multiValueHeaders": {"Content-Type": ["application/octet-stream"]},
        "queryStringParameters": None, "multiValueQueryStringParameters": None,
        "pathParameters": {"proxy": "uploads/b.bin"}, "stageVariables": None,
        "requestContext": {"requestId": "r1", "stage": "prod", "identity": {"sourceIp": "1.2.3.4"}},
        "body": "AAEC", "isBase64Encoded": True,
    }  # fmt: skip
    resp, doc = invoke(lam, "web", event)
    assert "FunctionError" not in resp
    assert doc["statusCode"] == 201
    assert json.loads(doc["body"]) == {"name": "b.bin", "size": 3}
    assert s3.get_object(Bucket="uploads", Key="b.bin")["Body"].read() == b"\x00\x01\x02"


def test_front_errors_are_api_gateways(create: Create, served: str) -> None:
    status, _, body = raw(served, "GET", "/_awsrec/apigw/nosuchfn/x")
    assert status == 404
    assert "Function not found" in json.loads(body)["message"]
    create("broken", source="def handler(e, c):\n    raise KeyError('k')\n")
    status, headers, body = raw(served, "GET", "/_awsrec/apigw/broken/x")
    assert (status, json.loads(body)) == (502, {"message": "Internal server error"})
    create("notproxy", source="def handler(e, c):\n    return 'plain'\n")
    status, _, body = raw(served, "GET", "/_awsrec/apigw/notproxy/")
    assert (status, json.loads(body)) == (502, {"message": "Internal server error"})
