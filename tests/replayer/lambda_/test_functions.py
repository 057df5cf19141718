"""Control plane through real boto3: CreateFunction validation, reads, listing, updates, deletes."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.replayer.conftest import s3_client
from tests.replayer.lambda_.conftest import ECHO, ROLE, Create, error_of, zipped

ARN = "arn:aws:lambda:us-east-1:000000000000:function"


def test_create_reports_pending_then_active(lam: Any, create: Create) -> None:
    # https://docs.aws.amazon.com/lambda/latest/dg/functions-states.html
    created = create("fn", Timeout=7, MemorySize=256, Environment={"Variables": {"A": "1"}})
    assert created["State"] == "Pending"
    assert created["StateReasonCode"] == "Creating"
    assert created["FunctionArn"] == f"{ARN}:fn"
    assert created["Version"] == "$LATEST"
    code = zipped({"app.py": ECHO})
    assert created["CodeSha256"] == base64.b64encode(hashlib.sha256(code).digest()).decode()
    got = lam.get_function_configuration(FunctionName="fn")
    assert (got["State"], got["LastUpdateStatus"]) == ("Active", "Successful")
    assert (got["Timeout"], got["MemorySize"], got["Environment"]) == (
        7, 256, {"Variables": {"A": "1"}},
    )  # fmt: skip
    lam.get_waiter("function_active_v2").wait(FunctionName="fn")


def test_duplicate_and_missing_functions_use_awss_messages(lam: Any, create: Create) -> None:
    create("fn")
    with pytest.raises(ClientError) as exc:
        create("fn")
    assert error_of(exc) == ("ResourceConflictException", "Function already exist: fn", 409)
    with pytest.raises(ClientError) as exc:
        lam.get_function(FunctionName="nope")
    assert error_of(exc) == (
        "ResourceNotFoundException", f"Function not found: {ARN}:nope", 404,
    )  # fmt: skip


def test_role_runtime_and_zip_are_validated(create: Create) -> None:
    with pytest.raises(ClientError) as exc:
        create("fn", Role="not-a-role")
    code, message, status = error_of(exc)
    assert (code, status) == ("ValidationException", 400)
    assert message.startswith("1 validation error detected: Value 'not-a-role' at 'role'")
    with pytest.raises(ClientError) as exc:
        create("fn", Runtime="python3.8")
    assert error_of(exc)[0] == "InvalidParameterValueException"
    assert "The runtime parameter of python3.8 is no longer supported" in error_of(exc)[1]
    with pytest.raises(ClientError) as exc:
        create("fn", Code={"ZipFile": b"this is not a zip"})
    assert error_of(exc) == (
        "InvalidParameterValueException",
        "Could not unzip uploaded file. Please check your file, then try to upload again.",
        400,
    )


def test_code_from_the_served_s3(lam: Any, create: Create, served: str) -> None:
    s3 = s3_client(served)
    s3.create_bucket(Bucket="code")
    s3.put_object(Bucket="code", Key="fn.zip", Body=zipped({"app.py": ECHO}))
    created = create("fn", Code={"S3Bucket": "code", "S3Key": "fn.zip"})
    assert created["CodeSize"] == len(zipped({"app.py": ECHO}))
    with pytest.raises(ClientError) as exc:
        create("other", Code={"S3Bucket": "code", "S3Key": "missing.zip"})
    code, message, _ = error_of(exc)
    assert code == "InvalidParameterValueException"
    assert message.startswith("Error occurred while GetObject. S3 Error Code: NoSuchKey.")


def test_list_functions_pages_with_marker(lam: Any, create: Create) -> None:
    for i in range(5):
        create(f"fn{i}")
    names: list[str] = []
    marker = None
    while True:
        kwargs = {"MaxItems": 2} | ({"Marker": marker} if marker else {})
        page = lam.list_functions(**kwargs)
        names += [f["FunctionName"] for f in page["Functions"]]
        marker = page.get("NextMarker")
        if not marker:
            break
    assert names == [f"fn{i}" for i in range(5)]


def test_updates_change_revision_and_report_in_progress(lam: Any, create: Create) -> None:
    first = create("fn")
    updated = lam.update_function_code(FunctionName="fn", ZipFile=zipped({"app.py": "x = 1\n"}))
    assert updated["LastUpdateStatus"] == "InProgress"
    assert updated["RevisionId"] != first["RevisionId"]
    with pytest.raises(ClientError) as exc:
        lam.update_function_configuration(FunctionName="fn", Timeout=5, RevisionId="stale")
    assert error_of(exc)[0:3:2] == ("PreconditionFailedException", 412)
    cfg = lam.update_function_configuration(FunctionName="fn", Timeout=5, Handler="app.other")
    assert (cfg["Timeout"], cfg["Handler"]) == (5, "app.other")
    assert lam.get_function(FunctionName="fn")["Configuration"]["LastUpdateStatus"] == "Successful"


def test_delete_function_and_tags(lam: Any, create: Create) -> None:
    create("fn", Tags={"team": "a"})
    assert lam.get_function(FunctionName="fn")["Tags"] == {"team": "a"}
    lam.tag_resource(Resource=f"{ARN}:fn", Tags={"env": "test"})
    lam.untag_resource(Resource=f"{ARN}:fn", TagKeys=["team"])
    assert lam.list_tags(Resource=f"{ARN}:fn")["Tags"] == {"env": "test"}
    lam.delete_function(FunctionName="fn")
    with pytest.raises(ClientError) as exc:
        lam.delete_function(FunctionName="fn")
    assert error_of(exc)[0] == "ResourceNotFoundException"


def test_role_is_required_shape_even_on_update(lam: Any, create: Create) -> None:
    create("fn")
    with pytest.raises(ClientError) as exc:
        lam.update_function_configuration(FunctionName="fn", Role=ROLE.replace("role/", "user/"))
    assert error_of(exc)[0] == "ValidationException"
