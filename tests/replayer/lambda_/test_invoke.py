"""Invoke through real boto3 against the local runtime: context, env, logs, limits, warm reuse."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.replayer.conftest import s3_client
from tests.replayer.lambda_.conftest import Create, error_of, invoke, zipped

ARN = "arn:aws:lambda:us-east-1:000000000000:function"


def test_handler_sees_awss_context_and_environment(lam: Any, create: Create, served: str) -> None:
    create("fn", MemorySize=256, Timeout=9, Environment={"Variables": {"GREETING": "hi"}})
    resp, doc = invoke(lam, "fn", {"a": 1})
    assert resp["StatusCode"] == 200
    assert "FunctionError" not in resp
    assert resp["ExecutedVersion"] == "$LATEST"
    assert doc["event"] == {"a": 1}
    assert (doc["function_name"], doc["memory"], doc["version"]) == ("fn", "256", "$LATEST")
    assert doc["invoked_arn"] == f"{ARN}:fn"
    assert 0 < doc["remaining_ms"] <= 9000
    env = doc["env"]
    assert env["AWS_ENDPOINT_URL"] == served
    assert env["GREETING"] == "hi"
    assert env["_HANDLER"] == "app.handler"
    assert env["AWS_LAMBDA_LOG_GROUP_NAME"] == "/aws/lambda/fn"
    assert env["AWS_LAMBDA_LOG_STREAM_NAME"].split("/")[3].startswith("[$LATEST]")
    assert env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "256"
    assert env["AWS_REGION"] == env["AWS_DEFAULT_REGION"] == "us-east-1"
    assert env["AWS_LAMBDA_RUNTIME_API"].startswith("127.0.0.1:")
    assert env["LAMBDA_TASK_ROOT"]
    assert env["AWS_ACCESS_KEY_ID"]
    assert env["AWS_SESSION_TOKEN"]


def test_warm_reuse_and_recycle_on_change(lam: Any, create: Create) -> None:
    create("fn")
    pids = {invoke(lam, "fn")[1]["pid"] for _ in range(3)}
    assert len(pids) == 1
    lam.update_function_configuration(FunctionName="fn", Environment={"Variables": {"X": "2"}})
    _, doc = invoke(lam, "fn")
    assert doc["pid"] not in pids
    assert doc["env"]["X"] == "2"


def test_tail_log_has_start_end_report(lam: Any, create: Create) -> None:
    create("fn")
    resp, doc = invoke(lam, "fn", {"hello": "log"}, LogType="Tail")
    text = base64.b64decode(resp["LogResult"]).decode()
    rid = doc["request_id"]
    lines = text.splitlines()
    assert lines[0] == f"START RequestId: {rid} Version: $LATEST"
    assert 'echo {"hello": "log"}' in lines
    assert f"END RequestId: {rid}" in lines
    report = lines[-1]
    assert report.startswith(f"REPORT RequestId: {rid}\tDuration: ")
    assert "\tMemory Size: 128 MB\t" in report
    assert "Init Duration: " in report  # a cold start
    resp, _ = invoke(lam, "fn", LogType="Tail")
    assert "Init Duration" not in base64.b64decode(resp["LogResult"]).decode()


def test_tail_is_the_last_4_kb(lam: Any, create: Create) -> None:
    create("fn", source="def handler(e, c):\n    print('x' * 10000)\n    return 1\n")
    resp, _ = invoke(lam, "fn", LogType="Tail")
    text = base64.b64decode(resp["LogResult"])
    assert len(text) == 4096
    assert text.rstrip().split(b"\n")[-1].startswith(b"REPORT RequestId: ")


def test_dry_run_and_event(lam: Any, create: Create, served: str) -> None:
    source = (
        "import boto3\n"
        "def handler(e, c):\n"
        "    boto3.client('s3').put_object(Bucket='out', Key=e['key'], Body=b'done')\n"
    )
    create("fn", source=source)
    s3 = s3_client(served)
    s3.create_bucket(Bucket="out")
    dry = lam.invoke(FunctionName="fn", InvocationType="DryRun", Payload=b"{}")
    assert dry["StatusCode"] == 204
    event = lam.invoke(FunctionName="fn", InvocationType="Event", Payload=b'{"key": "k1"}')
    assert event["StatusCode"] == 202
    deadline = time.monotonic() + 30
    while not s3.list_objects_v2(Bucket="out").get("Contents"):
        assert time.monotonic() < deadline, "the Event invocation never wrote its object"
        time.sleep(0.05)
    assert s3.get_object(Bucket="out", Key="k1")["Body"].read() == b"done"


def test_payload_limits_and_bad_json(lam: Any, create: Create) -> None:
    create("fn")
    with pytest.raises(ClientError) as exc:
        lam.invoke(FunctionName="fn", Payload=b'"' + b"x" * (6 * 1024 * 1024) + b'"')
    assert error_of(exc) == (
        "RequestEntityTooLargeException",
        "Request must be smaller than 6291456 bytes for the InvokeFunction operation",
        413,
    )
    # Event payloads: 1 MB since 2025 (API_Invoke.html); AWS's wording for the miss.
    big = b'"' + b"x" * (1024 * 1024 - 1) + b'"'
    with pytest.raises(ClientError) as exc:
        lam.invoke(FunctionName="fn", InvocationType="Event", Payload=big)
    assert error_of(exc) == (
        "RequestEntityTooLargeException",
        "1048577 byte payload is too large for the Event invocation type (limit 1048576 bytes)",
        413,
    )
    at_limit = b'"' + b"x" * (1024 * 1024 - 2) + b'"'
    accepted = lam.invoke(FunctionName="fn", InvocationType="Event", Payload=at_limit)
    assert accepted["StatusCode"] == 202
    with pytest.raises(ClientError) as exc:
        lam.invoke(FunctionName="fn", Payload=b"{not json")
    assert error_of(exc)[0::2] == ("InvalidRequestContentException", 400)


def test_concurrent_invocations_get_their_own_workers(lam: Any, create: Create) -> None:
    import concurrent.futures

    source = "import os, time\ndef handler(e, c):\n    time.sleep(0.3)\n    return os.getpid()\n"
    create("fn", source=source)
    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        pids = list(pool.map(lambda _: invoke(lam, "fn")[1], range(3)))
    assert len(set(pids)) == 3


def test_code_change_is_picked_up(lam: Any, create: Create) -> None:
    create("fn", source="def handler(e, c):\n    return 'one'\n")
    assert invoke(lam, "fn")[1] == "one"
    lam.update_function_code(
        FunctionName="fn", ZipFile=zipped({"app.py": "def handler(e, c):\n    return 'two'\n"})
    )
    assert invoke(lam, "fn")[1] == "two"
    assert json.loads(json.dumps(invoke(lam, "fn")[1])) == "two"
