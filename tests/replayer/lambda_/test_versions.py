"""Versions, aliases, Qualifier resolution and resource policies through real boto3."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.replayer.lambda_.conftest import Create, error_of, invoke, zipped

ARN = "arn:aws:lambda:us-east-1:000000000000:function"
V = (
    "def handler(e, c):\n"
    "    return {'v': %d, 'version': c.function_version, 'arn': c.invoked_function_arn}\n"
)


def _two_versions(lam: Any, create: Create) -> None:
    create("fn", source=V % 1)
    assert lam.publish_version(FunctionName="fn")["Version"] == "1"
    lam.update_function_code(FunctionName="fn", ZipFile=zipped({"app.py": V % 2}))
    assert lam.publish_version(FunctionName="fn", Description="two")["Version"] == "2"


def test_publish_is_idempotent_for_unchanged_code(lam: Any, create: Create) -> None:
    create("fn")
    one = lam.publish_version(FunctionName="fn")
    again = lam.publish_version(FunctionName="fn")
    assert one["Version"] == again["Version"] == "1"
    assert one["FunctionArn"] == f"{ARN}:fn:1"
    versions = lam.list_versions_by_function(FunctionName="fn")["Versions"]
    assert [v["Version"] for v in versions] == ["$LATEST", "1"]


def test_qualifiers_resolve_versions_aliases_and_arns(lam: Any, create: Create) -> None:
    _two_versions(lam, create)
    lam.create_alias(FunctionName="fn", Name="live", FunctionVersion="1")
    lam.update_function_code(FunctionName="fn", ZipFile=zipped({"app.py": V % 3}))
    cases = [
        ({"FunctionName": "fn"}, 3, "$LATEST", f"{ARN}:fn"),
        ({"FunctionName": "fn", "Qualifier": "2"}, 2, "2", f"{ARN}:fn:2"),
        ({"FunctionName": "fn:live"}, 1, "1", f"{ARN}:fn:live"),
        ({"FunctionName": f"{ARN}:fn:1"}, 1, "1", f"{ARN}:fn:1"),
        ({"FunctionName": "000000000000:function:fn", "Qualifier": "$LATEST"}, 3, "$LATEST",
         f"{ARN}:fn:$LATEST"),
    ]  # fmt: skip
    for kwargs, v, executed, arn in cases:
        resp = lam.invoke(Payload=b"{}", **kwargs)
        doc = json.loads(resp["Payload"].read())
        assert (doc["v"], resp["ExecutedVersion"], doc["version"], doc["arn"]) == (
            v, executed, executed, arn,
        ), kwargs  # fmt: skip


def test_qualifier_errors(lam: Any, create: Create) -> None:
    create("fn")
    with pytest.raises(ClientError) as exc:
        lam.get_function(FunctionName="fn", Qualifier="7")
    assert error_of(exc) == ("ResourceNotFoundException", f"Function not found: {ARN}:fn:7", 404)
    with pytest.raises(ClientError) as exc:
        lam.invoke(FunctionName=f"{ARN}:fn:1", Qualifier="2", Payload=b"{}")
    assert error_of(exc) == (
        "InvalidParameterValueException",
        "The derived qualifier from the function name does not match the specified qualifier.",
        400,
    )


def test_alias_lifecycle_and_errors(lam: Any, create: Create) -> None:
    _two_versions(lam, create)
    alias = lam.create_alias(FunctionName="fn", Name="live", FunctionVersion="1")
    assert alias["AliasArn"] == f"{ARN}:fn:live"
    with pytest.raises(ClientError) as exc:
        lam.create_alias(FunctionName="fn", Name="live", FunctionVersion="1")
    assert error_of(exc) == (
        "ResourceConflictException",
        f"Alias already exists: {ARN}:fn:live",
        409,
    )
    with pytest.raises(ClientError) as exc:
        lam.create_alias(FunctionName="fn", Name="bad", FunctionVersion="9")
    assert error_of(exc)[0] == "ResourceNotFoundException"
    lam.update_alias(FunctionName="fn", Name="live", FunctionVersion="2")
    assert lam.get_alias(FunctionName="fn", Name="live")["FunctionVersion"] == "2"
    assert [a["Name"] for a in lam.list_aliases(FunctionName="fn")["Aliases"]] == ["live"]
    lam.delete_alias(FunctionName="fn", Name="live")
    with pytest.raises(ClientError) as exc:
        lam.get_alias(FunctionName="fn", Name="live")
    assert error_of(exc) == (
        "ResourceNotFoundException", f"Cannot find alias arn: {ARN}:fn:live", 404,
    )  # fmt: skip


def test_resource_policy(lam: Any, create: Create) -> None:
    create("fn")
    with pytest.raises(ClientError) as exc:
        lam.get_policy(FunctionName="fn")
    assert error_of(exc) == (
        "ResourceNotFoundException", "The resource you requested does not exist.", 404,
    )  # fmt: skip
    added = lam.add_permission(
        FunctionName="fn", StatementId="s3", Action="lambda:InvokeFunction",
        Principal="s3.amazonaws.com", SourceArn="arn:aws:s3:::bkt",
    )  # fmt: skip
    stmt = json.loads(added["Statement"])
    assert stmt["Principal"] == {"Service": "s3.amazonaws.com"}
    assert stmt["Condition"] == {"ArnLike": {"AWS:SourceArn": "arn:aws:s3:::bkt"}}
    with pytest.raises(ClientError) as exc:
        lam.add_permission(
            FunctionName="fn", StatementId="s3", Action="lambda:InvokeFunction",
            Principal="s3.amazonaws.com",
        )  # fmt: skip
    assert error_of(exc)[0::2] == ("ResourceConflictException", 409)
    policy = json.loads(lam.get_policy(FunctionName="fn")["Policy"])
    assert [s["Sid"] for s in policy["Statement"]] == ["s3"]
    assert policy["Statement"][0]["Resource"] == f"{ARN}:fn"
    lam.add_permission(
        FunctionName="fn", StatementId="sns", Action="lambda:InvokeFunction",
        Principal="sns.amazonaws.com",
    )  # fmt: skip
    with pytest.raises(ClientError) as exc:
        lam.remove_permission(FunctionName="fn", StatementId="nope")
    assert error_of(exc) == (
        "ResourceNotFoundException", "Statement nope is not found in resource policy.", 404,
    )  # fmt: skip
    lam.remove_permission(FunctionName="fn", StatementId="s3")
    lam.remove_permission(FunctionName="fn", StatementId="sns")
    with pytest.raises(ClientError) as exc:
        lam.remove_permission(FunctionName="fn", StatementId="s3")
    assert error_of(exc) == (
        "ResourceNotFoundException", "No policy is associated with the given resource.", 404,
    )  # fmt: skip
    with pytest.raises(ClientError) as exc:
        lam.remove_permission(FunctionName="gone", StatementId="s3")
    assert error_of(exc) == ("ResourceNotFoundException", f"No policy found for: {ARN}:gone", 404)


def test_delete_version_in_use_by_alias(lam: Any, create: Create) -> None:
    _two_versions(lam, create)
    lam.create_alias(FunctionName="fn", Name="live", FunctionVersion="1")
    with pytest.raises(ClientError) as exc:
        lam.delete_function(FunctionName="fn", Qualifier="1")
    assert error_of(exc)[0] == "ResourceConflictException"
    lam.delete_function(FunctionName="fn", Qualifier="2")
    _, doc = invoke(lam, "fn:live")
    assert doc["v"] == 1
