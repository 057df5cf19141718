"""Credentials that responses hand out are redacted, whatever the service, and found as canaries."""

from __future__ import annotations

import json

import pytest

from awsrec.cassette import Interaction, Request, Response
from awsrec.normalize import Normaliser
from awsrec.normalize.issued import issued_secrets
from tests.awsrec.normalize.wire import client

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"
TOKEN = "AQoEXAMPLEH4aoAH0gNCAPyJxz4BlCFFxWNE1OPTgk5TthT+FvwqnKwRcOIfrRh3c/LTo6UDdyJwOOvE"
KEY_ID = "ASIAIOSFODNN7EXAMPLE"


def _exchange(service: str, operation: str, body: str, status: int = 200) -> Interaction:
    response = Response(status, [("Content-Type", "application/json")], body.encode())
    return Interaction(0, service, operation, Request("POST", "/"), response)


def test_sts_assume_role_credentials_are_redacted(moto: str) -> None:
    # https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
    sts, rec = client("sts", moto)
    role = "arn:aws:iam::123456789012:role/demo"
    creds = sts.assume_role(RoleArn=role, RoleSessionName="sess")["Credentials"]
    raw = rec.interactions[0]
    assert raw.service == "sts"
    found = {member: value for value, member in issued_secrets(raw.response.body)}
    assert found == {
        "AccessKeyId": creds["AccessKeyId"],
        "SecretAccessKey": creds["SecretAccessKey"],
        "SessionToken": creds["SessionToken"],
    }
    body = Normaliser().normalise(raw).response.body
    for value in found.values():
        assert value.encode() not in body
    assert b"<SecretAccessKey>&lt;redacted&gt;</SecretAccessKey>" in body
    assert b"<Expiration>&lt;timestamp:" in body
    assert b"<RequestId>&lt;request-id:1&gt;</RequestId>" in body
    assert b"arn:aws:sts::000000000000:assumed-role/demo/sess" in body


def test_iam_create_access_key_secret_is_redacted(moto: str) -> None:
    # https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateAccessKey.html
    iam, rec = client("iam", moto)
    iam.create_user(UserName="keyed")
    key = iam.create_access_key(UserName="keyed")["AccessKey"]
    raw = rec.interactions[-1]
    assert issued_secrets(raw.response.body) == [(key["SecretAccessKey"], "SecretAccessKey")]
    body = Normaliser().normalise(raw).response.body
    assert key["SecretAccessKey"].encode() not in body
    # A long-term key id is an identifier callers send back (DeleteAccessKey): it stays.
    assert key["AccessKeyId"].encode() in body


@pytest.mark.parametrize(
    ("service", "operation", "body"),
    [
        # https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_GetCredentialsForIdentity.html
        (
            "cognito-identity",
            "GetCredentialsForIdentity",
            {
                "Credentials": {
                    "AccessKeyId": KEY_ID,
                    "Expiration": 1732177944.0,
                    "SecretKey": SECRET,
                    "SessionToken": TOKEN,
                },
                "IdentityId": "us-east-1:0c1bd1b2-6f2e-4a5b-8c3d-9e0f1a2b3c4d",
            },
        ),
        # https://docs.aws.amazon.com/singlesignon/latest/PortalAPIReference/API_GetRoleCredentials.html
        (
            "sso",
            "GetRoleCredentials",
            {
                "roleCredentials": {
                    "accessKeyId": KEY_ID,
                    "secretAccessKey": SECRET,
                    "sessionToken": TOKEN,
                    "expiration": 1732177944000,
                }
            },
        ),
        # STS answering in JSON (Accept: application/json).
        (
            "sts",
            "GetSessionToken",
            {
                "GetSessionTokenResponse": {
                    "GetSessionTokenResult": {
                        "Credentials": {
                            "AccessKeyId": KEY_ID,
                            "Expiration": 1732177944,
                            "SecretAccessKey": SECRET,
                            "SessionToken": TOKEN,
                        }
                    }
                }
            },
        ),
    ],
)
def test_json_credentials_are_redacted(service: str, operation: str, body: object) -> None:
    raw = _exchange(service, operation, json.dumps(body))
    found = sorted(value for value, _member in issued_secrets(raw.response.body))
    assert found == sorted([KEY_ID, SECRET, TOKEN])
    out = Normaliser().normalise(raw).response.body.decode()
    for value in (KEY_ID, SECRET, TOKEN):
        assert value not in out
    assert out.count('"<redacted>"') == 3
    assert '"<timestamp:' in out  # the expiry differs on every run


def test_a_dynamodb_attribute_named_like_a_credential_is_data() -> None:
    # Attribute values are maps ({"S": ...}); the rules select only string values.
    item = {"Item": {"SessionToken": {"S": TOKEN}, "SecretKey": {"S": SECRET}}}
    raw = _exchange("dynamodb", "GetItem", json.dumps(item))
    assert issued_secrets(raw.response.body) == []
    assert Normaliser().normalise(raw).response.body == raw.response.body


def test_the_users_data_is_not_searched_for_credentials() -> None:
    # A Lambda's result is left as it is, so registering a value from it would refuse it.
    raw = _exchange("lambda", "Invoke", json.dumps({"SessionToken": TOKEN}))
    assert Normaliser().issued_secrets(raw) == []
    failed = _exchange("lambda", "Invoke", json.dumps({"SessionToken": TOKEN}), status=400)
    assert Normaliser().issued_secrets(failed) == [(TOKEN, "SessionToken")]
