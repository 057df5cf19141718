"""Functions recorded from real AWS (never created in the cassette): served from the recording.

The world holds their configuration (from the recorded GetFunction) but not their code, so
an Invoke is answered by the recorded Invoke with the same function, qualifier, invocation
type and payload (JSON-equal; a recorded placeholder matches any value). A payload that was
never recorded gets awsrec's 501 NotImplemented naming the miss: the nearest recording is
not guessed, since what a function returns for another payload is unknowable without its code.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from awsrec.cassette import Interaction
from tests.replayer.conftest import (
    ServeFactory,
    admin,
    interaction,
    lambda_client,
    write_cassette,
)
from tests.replayer.lambda_.conftest import error_of

ARN = "arn:aws:lambda:us-east-1:000000000000:function:billing"
BASE = "/2015-03-31/functions"
CONFIGURATION = {
    "FunctionName": "billing",
    "FunctionArn": ARN,
    "Runtime": "python3.12",
    "Role": "arn:aws:iam::000000000000:role/billing-role",
    "Handler": "app.handler",
    "CodeSize": 4242,
    "Description": "",
    "Timeout": 3,
    "MemorySize": 128,
    "LastModified": "2025-11-02T10:11:12.345+0000",
    "CodeSha256": "q0ZG0bVuJzv3S2aGZvNlbJbQ0Kc6oCxrQ9xHn2e0rPU=",
    "Version": "$LATEST",
    "TracingConfig": {"Mode": "PassThrough"},
    "RevisionId": "<uuid:1>",
    "State": "Active",
    "LastUpdateStatus": "Successful",
    "PackageType": "Zip",
    "Architectures": ["x86_64"],
    "EphemeralStorage": {"Size": 512},
}
# The headers AWS answers an Invoke with (Lambda's rest-json front), as the recorder keeps them.
# https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html#API_Invoke_ResponseSyntax
TRACE = "root=1-6727a1b2-0f1e2d3c4b5a69788796a5b4;parent=1a2b3c4d5e6f7081;sampled=0;lineage=1:0"


def _invoke(
    seq: int,
    payload: Any,
    answer: Any,
    *,
    name: str = "billing",
    query: list[tuple[str, str]] | None = None,
    kind: str | None = None,
    status: int = 200,
    extra: list[tuple[str, str]] | None = None,
) -> Interaction:
    headers = [("User-Agent", "Boto3/1.43.11")]  # boto3 sends an Invoke payload untyped
    if kind is not None:
        headers.append(("X-Amz-Invocation-Type", kind))
    body = json.dumps(answer).encode() if answer is not None else b""
    response = [
        ("Date", "<date>"),
        ("Content-Type", "application/json"),
        ("Content-Length", str(len(body))),
        ("Connection", "keep-alive"),
        ("x-amzn-RequestId", f"<request-id:{seq}>"),
        *(extra or []),
        ("X-Amz-Executed-Version", "$LATEST"),
        ("X-Amzn-Trace-Id", TRACE),
    ]
    return interaction(
        seq, "lambda", "Invoke",
        ("POST", f"{BASE}/{name}/invocations", query or [], headers, json.dumps(payload).encode()),
        (status, response, body),
    )  # fmt: skip


def _get_function(seq: int) -> Interaction:
    doc = {
        "Configuration": CONFIGURATION,
        "Code": {
            "RepositoryType": "S3",
            "Location": "https://awslambda-us-east-1-tasks.s3.us-east-1.amazonaws.com/x",
        },
    }
    body = json.dumps(doc).encode()
    return interaction(
        seq, "lambda", "GetFunction",
        ("GET", f"{BASE}/billing", [], [], b""),
        (200, [("Content-Type", "application/json"), ("x-amzn-RequestId", "<request-id:1>")],
         body),
    )  # fmt: skip


UNHANDLED = {
    "errorMessage": "'order'",
    "errorType": "KeyError",
    "requestId": "<request-id:3>",
    "stackTrace": ['  File "/var/task/app.py", line 4, in handler\n    return event["order"]\n'],
}
LOG = base64.b64encode(b"START RequestId: x Version: $LATEST\nEND RequestId: x\n").decode()


@pytest.fixture
def recorded(tmp_path: Path) -> Path:
    """A cassette recorded from AWS: billing is read and invoked, never created."""
    return write_cassette(
        tmp_path / "billing.awsrec",
        [
            _get_function(1),
            _invoke(2, {"order": 1, "lines": [1, 2]}, {"total": 3, "currency": "EUR"}),
            _invoke(3, {}, UNHANDLED, extra=[("X-Amz-Function-Error", "Unhandled")]),
            _invoke(4, {"order": 2}, {"total": 10}, query=[("Qualifier", "live")]),
            # The same payload twice: the function's answer changed between the two calls.
            _invoke(5, {"count": True}, {"seen": 1}),
            _invoke(6, {"count": True}, {"seen": 2}),
            _invoke(7, {"trace": "<uuid:2>"}, {"ok": True}, extra=[("X-Amz-Log-Result", LOG)]),
            _invoke(8, {"order": 3}, None, kind="Event", status=202),
            _invoke(9, {"ping": 1}, "pong", name="audit"),
        ],
    )


@pytest.fixture
def lam(serve_factory: ServeFactory, recorded: Path) -> Any:
    return lambda_client(serve_factory(cassettes=[recorded]).url)


def _call(lam: Any, payload: Any, **more: Any) -> tuple[dict[str, Any], Any]:
    resp = lam.invoke(FunctionName="billing", Payload=json.dumps(payload).encode(), **more)
    raw = resp["Payload"].read()
    return resp, json.loads(raw) if raw else None


def _headers(resp: dict[str, Any]) -> dict[str, str]:
    return dict(resp["ResponseMetadata"]["HTTPHeaders"])


def test_recorded_function_is_in_the_world(lam: Any) -> None:
    got = lam.get_function(FunctionName="billing")["Configuration"]
    assert (got["FunctionArn"], got["Runtime"], got["CodeSize"]) == (ARN, "python3.12", 4242)
    names = [f["FunctionName"] for f in lam.list_functions()["Functions"]]
    assert names == ["audit", "billing"]


def test_recorded_payload_gets_the_recorded_answer(lam: Any) -> None:
    # Keys in another order are the same JSON payload.
    resp, doc = _call(lam, {"lines": [1, 2], "order": 1})
    assert resp["StatusCode"] == 200
    assert doc == {"total": 3, "currency": "EUR"}
    assert "FunctionError" not in resp
    assert resp["ExecutedVersion"] == "$LATEST"
    headers = _headers(resp)
    assert headers["x-awsrec-source"] == "recording"
    assert headers["x-amzn-trace-id"] == TRACE
    assert headers["content-length"] == str(len(json.dumps(doc)))


def test_recorded_unhandled_error_keeps_awss_headers_and_payload(lam: Any) -> None:
    resp, doc = _call(lam, {})
    assert resp["StatusCode"] == 200
    assert resp["FunctionError"] == "Unhandled"
    assert (doc["errorType"], doc["errorMessage"]) == ("KeyError", "'order'")
    assert doc["stackTrace"] == UNHANDLED["stackTrace"]
    # The recorded request id is a placeholder: the payload carries this invocation's id.
    assert doc["requestId"] == resp["ResponseMetadata"]["RequestId"]
    assert _headers(resp)["x-awsrec-source"] == "recording"


def test_qualifier_is_part_of_the_match(lam: Any) -> None:
    _, doc = _call(lam, {"order": 2}, Qualifier="live")
    assert doc == {"total": 10}
    with pytest.raises(ClientError) as exc:
        _call(lam, {"order": 2})  # recorded only through the alias
    assert error_of(exc)[0::2] == ("NotImplemented", 501)


def test_the_same_payload_plays_its_answers_in_order_then_repeats_the_last(
    lam: Any, serve_factory: ServeFactory
) -> None:
    seen = [_call(lam, {"count": True})[1]["seen"] for _ in range(3)]
    assert seen == [1, 2, 2]
    url = lam.meta.endpoint_url
    assert admin(url, "reset", "POST")[0] == 200
    assert _call(lam, {"count": True})[1]["seen"] == 1


def test_a_recorded_placeholder_matches_any_value(lam: Any) -> None:
    resp, doc = _call(lam, {"trace": "0d9c7a1e-live-value"})
    assert doc == {"ok": True}
    assert "LogResult" not in resp  # not asked for
    resp, _ = _call(lam, {"trace": "another"}, LogType="Tail")
    assert resp["LogResult"] == LOG


def test_an_unrecorded_payload_is_a_named_miss_not_a_guess(lam: Any) -> None:
    with pytest.raises(ClientError) as exc:
        _call(lam, {"order": 1, "lines": [1, 2, 3]})
    code, message, status = error_of(exc)
    assert (code, status) == ("NotImplemented", 501)
    assert "no code for function billing" in message
    assert "does not guess from the nearest recording" in message
    assert '{"order": 1, "lines": [1, 2]}' in message  # what was recorded, to compare
    assert "RequestResponse Invoke" in message


def test_event_invocations(lam: Any) -> None:
    recorded = lam.invoke(FunctionName="billing", InvocationType="Event", Payload=b'{"order":3}')
    assert recorded["StatusCode"] == 202
    assert _headers(recorded)["x-awsrec-source"] == "recording"
    # An Event's answer does not depend on its payload; its run is what cannot happen here.
    other = lam.invoke(FunctionName="billing", InvocationType="Event", Payload=b'{"order":4}')
    assert other["StatusCode"] == 202
    _, state = admin(lam.meta.endpoint_url, "state")
    assert "Event invocation of billing (recorded, no code) not run" in state["lambda"]["notes"]
    dry = lam.invoke(FunctionName="billing", InvocationType="DryRun", Payload=b"{}")
    assert dry["StatusCode"] == 204


def test_a_function_only_invoked_in_the_recording_exists_too(lam: Any) -> None:
    resp = lam.invoke(FunctionName="audit", Payload=b'{"ping": 1}')
    assert json.loads(resp["Payload"].read()) == "pong"
    # The recording says nothing else about it.
    assert lam.get_function_configuration(FunctionName="audit")["FunctionName"] == "audit"
    with pytest.raises(ClientError) as exc:
        lam.invoke(FunctionName="nobody", Payload=b"{}")
    assert error_of(exc) == (
        "ResourceNotFoundException",
        "Function not found: arn:aws:lambda:us-east-1:000000000000:function:nobody",
        404,
    )


def test_strict_mode_serves_recorded_invocations_in_order(
    serve_factory: ServeFactory, recorded: Path
) -> None:
    lam = lambda_client(serve_factory(cassettes=[recorded], strict=True).url)
    assert lam.get_function(FunctionName="billing")["Configuration"]["Version"] == "$LATEST"
    _, doc = _call(lam, {"order": 1, "lines": [1, 2]})
    assert doc == {"total": 3, "currency": "EUR"}
    resp, doc = _call(lam, {})
    assert resp["FunctionError"] == "Unhandled"
    with pytest.raises(ClientError) as exc:
        _call(lam, {"count": True})  # recorded, but not next
    assert error_of(exc)[0] == "AwsrecStrictMismatch"


def test_a_function_the_cassette_creates_is_not_in_w0(
    serve_factory: ServeFactory, tmp_path: Path
) -> None:
    # CreateFunction names its function in the body, not the URI: still "created", so its
    # later reads and invocations do not seed it.
    create = json.dumps({"FunctionName": "made", "Runtime": "python3.12"}).encode()
    cassette = write_cassette(
        tmp_path / "made.awsrec",
        [
            interaction(
                1, "lambda", "CreateFunction",
                ("POST", BASE, [], [("Content-Type", "application/json")], create),
                (201, [("Content-Type", "application/json")], b'{"FunctionName": "made"}'),
            ),
            interaction(
                2, "lambda", "GetFunction", ("GET", f"{BASE}/made", [], [], b""),
                (200, [("Content-Type", "application/json")],
                 json.dumps({"Configuration": {"FunctionName": "made"}}).encode()),
            ),
            _invoke(3, {}, "from the recording", name="made"),
        ],
    )  # fmt: skip
    lam = lambda_client(serve_factory(cassettes=[cassette]).url)
    assert lam.list_functions()["Functions"] == []
    with pytest.raises(ClientError) as exc:
        lam.invoke(FunctionName="made", Payload=b"{}")
    assert error_of(exc)[0] == "ResourceNotFoundException"
