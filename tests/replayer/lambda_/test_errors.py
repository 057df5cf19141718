"""Function errors as AWS returns them: X-Amz-Function-Error and the Python runtime's payload.

Payload shape: https://docs.aws.amazon.com/lambda/latest/dg/python-exceptions.html
"""

from __future__ import annotations

import base64
import json
from typing import Any

from tests.replayer.lambda_.conftest import Create, invoke, zipped

RAISES = """
def handler(event, context):
    helper(event)

def helper(event):
    raise ValueError("bad input: " + str(event.get("n")))
"""
HANDLED = """
def handler(event, context):
    try:
        int("x")
    except ValueError as e:
        return {"statusCode": 400, "error": str(e)}
"""


def _raw(lam: Any, name: str, **more: Any) -> tuple[dict[str, Any], bytes]:
    resp = lam.invoke(FunctionName=name, Payload=b'{"n": 7}', **more)
    return resp, resp["Payload"].read()


def test_unhandled_exception(lam: Any, create: Create) -> None:
    create("fn", source=RAISES)
    resp, raw = _raw(lam, "fn", LogType="Tail")
    assert resp["StatusCode"] == 200
    assert resp["FunctionError"] == "Unhandled"
    assert resp["ResponseMetadata"]["HTTPHeaders"]["x-amz-function-error"] == "Unhandled"
    doc = json.loads(raw)
    assert list(doc) == ["errorMessage", "errorType", "requestId", "stackTrace"]
    assert (doc["errorMessage"], doc["errorType"]) == ("bad input: 7", "ValueError")
    assert len(doc["requestId"]) == 36
    # Frames from the handler down, each as traceback.format_list writes it.
    assert doc["stackTrace"][0].endswith("in handler\n    helper(event)\n")
    assert doc["stackTrace"][1].endswith(
        'in helper\n    raise ValueError("bad input: " + str(event.get("n")))\n'
    )
    # The runtime writes the payload with simplejson's default separators, as on AWS.
    assert raw.startswith(b'{"errorMessage": "bad input: 7", "errorType": "ValueError"')
    log = base64.b64decode(resp["LogResult"]).decode()
    assert "[ERROR] ValueError: bad input: 7" in log
    assert "Traceback (most recent call last):" in log


def test_handled_error_is_a_normal_response(lam: Any, create: Create) -> None:
    # An error the handler catches and returns is a successful invocation for Lambda.
    create("fn", source=HANDLED)
    resp, doc = invoke(lam, "fn")
    assert "FunctionError" not in resp
    assert doc == {"statusCode": 400, "error": "invalid literal for int() with base 10: 'x'"}


def test_timeout(lam: Any, create: Create) -> None:
    create("fn", source="import time\ndef handler(e, c):\n    time.sleep(30)\n", Timeout=1)
    resp, raw = _raw(lam, "fn", LogType="Tail")
    assert resp["FunctionError"] == "Unhandled"
    doc = json.loads(raw)
    rid = doc["errorMessage"].split()[1]
    assert doc == {
        "errorMessage": f"RequestId: {rid} Error: Task timed out after 1.00 seconds",
        "errorType": "Sandbox.Timedout",
    }
    log = base64.b64decode(resp["LogResult"]).decode()
    assert f"{rid} Task timed out after 1.00 seconds" in log
    assert "Status: timeout" in log.splitlines()[-1]
    # The timed-out worker is gone; the next invocation gets a fresh one.
    lam.update_function_configuration(FunctionName="fn", Timeout=3)
    lam.update_function_code(
        FunctionName="fn", ZipFile=zipped({"app.py": "def handler(e, c):\n    return 1\n"})
    )
    assert invoke(lam, "fn")[1] == 1


def test_init_error_import(lam: Any, create: Create) -> None:
    create("fn", source="import no_such_module_here\ndef handler(e, c):\n    return 1\n")
    resp, raw = _raw(lam, "fn", LogType="Tail")
    assert resp["FunctionError"] == "Unhandled"
    assert json.loads(raw) == {
        "errorMessage": "Unable to import module 'app': No module named 'no_such_module_here'",
        "errorType": "Runtime.ImportModuleError",
        "requestId": "",
        "stackTrace": [],
    }
    log = base64.b64decode(resp["LogResult"]).decode()
    assert "[ERROR] Runtime.ImportModuleError: Unable to import module 'app'" in log
    assert "Error Type: Runtime.ImportModuleError" in log.splitlines()[-1]


def test_init_error_bad_handler_names(lam: Any, create: Create) -> None:
    create("missing", handler="app.nope")
    _, raw = _raw(lam, "missing")
    assert json.loads(raw) == {
        "errorMessage": "Handler 'nope' missing on module 'app'",
        "errorType": "Runtime.HandlerNotFound",
        "requestId": "",
        "stackTrace": [],
    }
    create("malformed", handler="nodots")
    resp, raw = _raw(lam, "malformed")
    assert resp["FunctionError"] == "Unhandled"
    doc = json.loads(raw)
    assert doc["errorType"] == "Runtime.MalformedHandlerName"
    assert doc["errorMessage"].startswith("Bad handler 'nodots': ")


def test_init_error_in_module_code(lam: Any, create: Create) -> None:
    create("fn", source="raise RuntimeError('config missing')\n")
    _, raw = _raw(lam, "fn")
    doc = json.loads(raw)
    assert (doc["errorType"], doc["errorMessage"]) == ("RuntimeError", "config missing")


def test_worker_crash_does_not_take_the_server_down(lam: Any, create: Create) -> None:
    source = "import os\ndef handler(e, c):\n    return os._exit(3) if e.get('die') else 1\n"
    create("fn", source=source)
    resp = lam.invoke(FunctionName="fn", Payload=b'{"die": true}')
    doc = json.loads(resp["Payload"].read())
    assert resp["FunctionError"] == "Unhandled"
    assert doc["errorType"] == "Runtime.ExitError"
    assert doc["errorMessage"].endswith("Error: Runtime exited with error: exit status 3")
    assert invoke(lam, "fn")[1] == 1
