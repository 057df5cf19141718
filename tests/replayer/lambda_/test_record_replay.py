"""End to end: a Lambda workload recorded by `awsrec record` from moto, replayed by `serve`.

Strict mode must answer every request like the recording (equal after normalisation: status,
contract headers, parsed body), except where moto contradicts the Lambda API reference; the
model follows AWS there, and each such field is listed in MOTO_DEVIATIONS with the page that
says so (the model's own values are checked in test_model_keeps_aws_values_where_moto_differs).
The default mode must run the same workload with other names.
"""

from __future__ import annotations

import base64
import json
import logging
import re
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from awsrec.aws.protocol import is_contract_header
from awsrec.cassette import Response
from awsrec.normalize import Normaliser
from tests.replayer.conftest import ServeFactory, lambda_client
from tests.replayer.lambda_.conftest import error_of
from tests.support.record_replay import (
    Recording,
    Workload,
    assert_strict_replay,
    flatten,
    moto_without_docker,
    sources,
)

# The workload runs as its own process (under `awsrec record`, then against `awsrec serve`).
# It checks Lambda's answers itself; record_replay wraps it with the capture of
# every raw response it parsed.
WORKLOAD = r"""
name, alias = os.environ["WL_FUNCTION"], os.environ["WL_ALIAS"]
cfg = Config(retries={"total_max_attempts": 1, "mode": "standard"})
role = os.environ.get("WL_ROLE", "")
if os.environ.get("WL_IAM_URL"):
    # moto, like AWS, wants a role that Lambda can assume; serve checks the ARN's shape only.
    # Made on moto directly: IAM is not part of the recording.
    iam = boto3.client("iam", endpoint_url=os.environ["WL_IAM_URL"], config=cfg)
    trust = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "sts:AssumeRole",
        "Principal": {"Service": "lambda.amazonaws.com"}}]}
    made = iam.create_role(RoleName="rr-lambda-role", AssumeRolePolicyDocument=json.dumps(trust))
    role = made["Role"]["Arn"]
lam = boto3.client("lambda", config=cfg)
lam.meta.events.register("before-parse", on_parse)

buf = io.BytesIO()
with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
    # A fixed timestamp: the same zip bytes (and request body) on every run.
    entry = zipfile.ZipInfo("app.py", date_time=(2026, 1, 1, 0, 0, 0))
    z.writestr(entry, "def handler(event, context):\n    return event\n")
code = buf.getvalue()
made = lam.create_function(FunctionName=name, Runtime="python3.11", Role=role,
                           Handler="app.handler", Code={"ZipFile": code}, Timeout=5,
                           Environment={"Variables": {"STAGE": "test"}})
assert made["FunctionName"] == name, made
got = lam.get_function(FunctionName=name)
assert got["Configuration"]["Handler"] == "app.handler", got
listed = lam.list_functions()["Functions"]
assert [f["FunctionName"] for f in listed] == [name], listed
upd = lam.update_function_configuration(FunctionName=name, MemorySize=256)
assert upd["MemorySize"] == 256, upd
ver = lam.publish_version(FunctionName=name, Description="first")
assert ver["Version"] == "1", ver
al = lam.create_alias(FunctionName=name, Name=alias, FunctionVersion="1")
assert al["FunctionVersion"] == "1", al

def invoked(**kw):
    out = lam.invoke(**kw)
    payload = out["Payload"].read()
    # A streamed body is not bytes at before-parse: keep what the workload read.
    captured[-1]["body"] = base64.b64encode(payload).decode()
    assert out["StatusCode"] == 200 and "FunctionError" not in out, out
    return json.loads(payload)

# moto without docker answers an Invoke with its payload; the handler is an echo.
assert invoked(FunctionName=name, Payload=b'{"n": 1, "s": "x"}') == {"n": 1, "s": "x"}
assert invoked(FunctionName=name, Qualifier=alias, Payload=b'{"via": "alias"}') == {"via": "alias"}
expect_error("ResourceNotFoundException", lam.get_function, FunctionName=name + "-missing")
expect_error("ResourceConflictException", lam.create_function, FunctionName=name,
             Runtime="python3.11", Role=role, Handler="app.handler", Code={"ZipFile": code})
lam.delete_function(FunctionName=name)
expect_error("ResourceNotFoundException", lam.get_function, FunctionName=name)
"""
OPERATIONS = [
    "CreateFunction",
    "GetFunction",
    "ListFunctions",
    "UpdateFunctionConfiguration",
    "PublishVersion",
    "CreateAlias",
    "Invoke",
    "Invoke",
    "GetFunction",
    "CreateFunction",
    "DeleteFunction",
    "GetFunction",
]
RECORDED = {"function": "rr-fn", "alias": "live"}
# The recorder writes moto's account as 000000000000, the account serve answers with.
ROLE = "arn:aws:iam::000000000000:role/rr-lambda-role"
_NUMBERED = re.compile(r"<([a-z][a-z0-9-]*):[\w-]+>")
_CONFIG_OPS = "CreateFunction|UpdateFunctionConfiguration|PublishVersion"

# Where moto's answer contradicts the Lambda API reference, the model follows AWS. Fields
# matching (operation, body path) are left out of the strict comparison.
MOTO_DEVIATIONS = [
    # A new function is Pending, and an updated one has LastUpdateStatus InProgress, until
    # Lambda has prepared it; moto answers Active at once and has no LastUpdateStatus.
    # https://docs.aws.amazon.com/lambda/latest/dg/functions-states.html
    (
        _CONFIG_OPS,
        r"(State|StateReason|StateReasonCode|LastUpdateStatus"
        r"|LastUpdateStatusReason|LastUpdateStatusReasonCode)",
    ),
    ("GetFunction|ListFunctions", r"(Configuration\.|Functions\.\d+\.)LastUpdateStatus"),
    # moto sends no RevisionId; AWS sends one on every FunctionConfiguration and alias.
    # https://docs.aws.amazon.com/lambda/latest/api/API_FunctionConfiguration.html
    # https://docs.aws.amazon.com/lambda/latest/api/API_AliasConfiguration.html
    (".*", r"(Configuration\.|Functions\.\d+\.)?RevisionId"),
    # moto sends null VpcConfig/SigningProfileVersionArn/SigningJobArn and an empty Layers;
    # AWS leaves out what a function does not have, and sends LoggingConfig and
    # RuntimeVersionConfig for a zip function (see the FunctionConfiguration page above).
    (
        ".*",
        r"(Configuration\.|Functions\.\d+\.)?(VpcConfig|SigningProfileVersionArn"
        r"|SigningJobArn|Layers|LoggingConfig\..*|RuntimeVersionConfig\..*)",
    ),
    # moto sends "RoutingConfig": null for an alias without one; AWS leaves it out.
    ("CreateAlias", r"RoutingConfig"),
    # moto's PublishVersion keeps $LATEST's Description; AWS takes the request's.
    # https://docs.aws.amazon.com/lambda/latest/api/API_PublishVersion.html
    ("PublishVersion", r"Description"),
    # moto's GetFunction has no Code.RepositoryType/Location (AWS: a presigned S3 URL, which
    # serve cannot hand out; see API_FunctionCodeLocation.html) and an empty Tags map that
    # AWS leaves out. https://docs.aws.amazon.com/lambda/latest/api/API_GetFunction.html
    ("GetFunction", r"Code\..*|Tags|Configuration\.LastModified"),
]
# moto answers JSON as text/html (no Content-Type on 204); Lambda as application/json.
# https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html#API_CreateFunction_ResponseSyntax
CONTENT_TYPE = "application/json"
# AWS answers every Invoke with X-Amz-Executed-Version; moto leaves it out.
# https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html#API_Invoke_ResponseSyntax
EXECUTED = {0: "$LATEST", 1: "1"}


WL = Workload(
    WORKLOAD,
    OPERATIONS,
    lambda names: {"WL_FUNCTION": names["function"], "WL_ALIAS": names["alias"]},
)


def _replay(tmp: Path, url: str, names: dict[str, str] = RECORDED) -> list[dict[str, Any]]:
    return WL.run(tmp, names, url, WL_ROLE=ROLE)


@pytest.fixture(scope="module")
def recording(moto_url: str, tmp_path_factory: pytest.TempPathFactory) -> Recording:
    """The workload recorded once from a fresh moto server by the real recorder."""
    # No docker here: moto then answers Invoke with the payload (our handler is an echo).
    moto_without_docker(moto_url)
    tmp = tmp_path_factory.mktemp("record-lambda")
    return WL.record(moto_url, tmp, RECORDED, WL_IAM_URL=moto_url)


def _comparable(response: Response, operation: str, normaliser: Normaliser) -> dict[str, Any]:
    """Status, contract headers and flattened body after normalisation (numbers unnumbered)."""
    norm = normaliser.normalise_response("lambda", operation, response)
    headers = {
        k.lower(): _NUMBERED.sub(r"<\1>", v)
        for k, v in norm.headers
        # Content-Type and X-Amz-Executed-Version: see CONTENT_TYPE and EXECUTED.
        if is_contract_header("lambda", k)
        and k.lower() not in ("content-type", "x-amz-executed-version")
    }
    text = _NUMBERED.sub(r"<\1>", norm.body.decode())
    doc = json.loads(text) if text else {}
    if norm.status >= 400:
        # The code is X-Amzn-ErrorType on both sides. Lambda's error shapes carry Type and
        # Message (or "message", per shape) in the body; moto sends __type and message.
        # AWS's model: botocore/data/lambda/2015-03-31/service-2.json, e.g.
        # https://docs.aws.amazon.com/lambda/latest/api/API_GetFunction.html#API_GetFunction_Errors
        doc = {"message": doc.get("Message", doc.get("message"))}
    body = {k: v for k, v in flatten(doc).items() if k or v}
    for op, pattern in MOTO_DEVIATIONS:
        if re.fullmatch(op, operation):
            body = {k: v for k, v in body.items() if not re.fullmatch(pattern, k)}
    return {"status": norm.status, "headers": headers, "body": body}


def test_strict_replay_answers_every_request_like_the_recording(
    recording: Recording,
    serve_factory: ServeFactory,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    server = serve_factory(cassettes=[recording.path], strict=True)
    with caplog.at_level(logging.WARNING, logger="awsrec.serve"):
        captured = _replay(tmp_path, server.url)
    # The model decided every outcome as the recording did (none was replayed over it).
    assert [r.getMessage() for r in caplog.records if r.name == "awsrec.serve"] == []
    assert_strict_replay(server.url, recording, captured, _comparable)


def test_model_keeps_aws_values_where_moto_differs(
    recording: Recording, serve_factory: ServeFactory, tmp_path: Path
) -> None:
    server = serve_factory(cassettes=[recording.path], strict=True)
    captured = _replay(tmp_path, server.url)
    bodies = [json.loads(base64.b64decode(c["body"]) or b"{}") for c in captured]
    heads = [{k.lower(): v for k, v in c["headers"]} for c in captured]
    made, got, _, updated, version, alias = bodies[:6]
    assert (made["State"], made["StateReasonCode"]) == ("Pending", "Creating")
    assert updated["LastUpdateStatus"] == "InProgress"
    assert got["Configuration"]["State"] == "Active"
    assert version["Description"] == "first"
    for cfg in (made, got["Configuration"], updated, version, alias):
        assert re.fullmatch(r"[0-9a-f-]{36}", cfg["RevisionId"]), cfg
    # ISO 8601 with milliseconds and +0000 (moto: microseconds... and Z), see common.py.
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000", made["LastModified"])
    assert got["Code"]["RepositoryType"] == "S3"
    for cfg in (made, updated, version):
        assert not {"VpcConfig", "SigningJobArn", "SigningProfileVersionArn"} & cfg.keys()
    for i, head in enumerate(heads):
        if captured[i]["status"] != 204:
            assert head["content-type"] == CONTENT_TYPE, (OPERATIONS[i], head)
    invokes = [h for h, op in zip(heads, OPERATIONS, strict=True) if op == "Invoke"]
    assert [h["x-amz-executed-version"] for h in invokes] == [EXECUTED[0], EXECUTED[1]]


def test_default_mode_runs_the_workload_with_other_names(
    recording: Recording, serve_factory: ServeFactory, tmp_path: Path
) -> None:
    server = serve_factory(cassettes=[recording.path])
    other = {"function": "omega-other-fn", "alias": "prod"}
    captured = _replay(tmp_path, server.url, other)
    assert [c["operation"] for c in captured] == OPERATIONS
    # Every operation and outcome was recorded: the model decides, the recording gives form.
    assert sources(captured) == ["recording"] * len(OPERATIONS)
    lam = lambda_client(server.url)
    assert lam.list_functions()["Functions"] == []  # the workload deleted what it made


def test_duplicate_alias_is_resource_conflict_as_on_aws(
    recording: Recording, serve_factory: ServeFactory, tmp_path: Path
) -> None:
    # moto answers ConflictException; CreateAlias's errors list ResourceConflictException.
    # https://docs.aws.amazon.com/lambda/latest/api/API_CreateAlias.html#API_CreateAlias_Errors
    server = serve_factory(cassettes=[recording.path])
    lam = lambda_client(server.url)
    zipped = base64.b64decode(json.loads(recording.interactions[0].request.body)["Code"]["ZipFile"])
    lam.create_function(
        FunctionName="fn", Runtime="python3.11", Role=ROLE, Handler="app.handler",
        Code={"ZipFile": zipped},
    )  # fmt: skip
    lam.create_alias(FunctionName="fn", Name="live", FunctionVersion="$LATEST")
    with pytest.raises(ClientError) as exc:
        lam.create_alias(FunctionName="fn", Name="live", FunctionVersion="$LATEST")
    assert error_of(exc) == (
        "ResourceConflictException",
        "Alias already exists: arn:aws:lambda:us-east-1:000000000000:function:fn:live",
        409,
    )
