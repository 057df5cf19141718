from __future__ import annotations

import base64
import hashlib
import json
import zlib

import pytest

from awsrec.cassette import Interaction, Request, Response
from awsrec.normalize import Normaliser, PlaceholderTable, Rule, RuleSet
from awsrec.normalize.jsonpath import JsonPath
from awsrec.normalize.xmlpath import XmlPath
from tests.awsrec.normalize.wire import client


@pytest.mark.parametrize(
    ("selector", "stack", "selected"),
    [
        ("/Error/RequestId", ("Error", "RequestId"), True),
        ("/Error/RequestId", ("Outer", "Error", "RequestId"), False),
        ("//RequestId", ("Outer", "Error", "RequestId"), True),
        ("Owner/ID", ("ListAllMyBucketsResult", "Owner", "ID"), True),
        ("Owner/ID", ("Grantee", "ID"), False),
        ("Contents/*", ("R", "Contents", "Size"), True),
    ],
)
def test_xml_path(selector: str, stack: tuple[str, ...], selected: bool) -> None:
    assert XmlPath.parse(selector).matches(stack) is selected


@pytest.mark.parametrize(
    ("selector", "path", "selected"),
    [
        ("$.Table.TableId", ("Table", "TableId"), True),
        ("$.Table.TableId", ("TableDescription", "TableId"), False),
        ("$..TableId", ("TableDescription", "TableId"), True),
        ("$..TableId", ("Table", "Replicas", 0, "TableId"), True),
        ("$.Functions[*].LastModified", ("Functions", 3, "LastModified"), True),
        ("$.Functions[1].LastModified", ("Functions", 3, "LastModified"), False),
        ("$['weird key'].x", ("weird key", "x"), True),
        ("$.a.*", ("a", "b"), True),
    ],
)
def test_json_path(selector: str, path: tuple[str | int, ...], selected: bool) -> None:
    assert JsonPath.parse(selector).matches(path) is selected


def _exchange(service: str, headers: list[tuple[str, str]], body: bytes) -> Interaction:
    return Interaction(0, service, "Op", Request("GET", "/"), Response(200, headers, body))


def test_user_rules_extend_builtins_and_respect_service() -> None:
    extra = RuleSet(
        [
            Rule("header", "x-app-*", "<noise:N>"),
            Rule("body-regex", r"session=(\w+);user=(\w+)", "<redacted>"),
            Rule("json-path", "$.Token", "<token:N>", service="lambda"),
        ],
        version="3",
    )
    n = Normaliser(extra)
    body = b'{"Token": "abc", "Note": "session=s1;user=u1"}'
    lam = n.normalise(_exchange("lambda", [("X-App-Trace", "t1"), ("x-other", "o")], body))
    ddb = n.normalise(_exchange("dynamodb", [("x-app-trace", "t1")], body))
    assert lam.response.headers == [("X-App-Trace", "<noise:1>"), ("x-other", "o")]
    assert ddb.response.headers == [("x-app-trace", "<noise:1>")]  # same original, same one
    assert json.loads(lam.response.body) == {
        "Token": "<token:1>",
        "Note": "session=<redacted>;user=<redacted>",
    }
    assert json.loads(ddb.response.body)["Token"] == "abc"  # the rule is Lambda's only
    assert n.rule_set_versions() == {"common": "2", "lambda": "1", "dynamodb": "1", "user": "3"}
    assert lam.placeholders == ["<noise:1>", "<token:1>", "<redacted>"]


def test_normalise_response_shares_the_table() -> None:
    table = PlaceholderTable()
    n = Normaliser(table=table)
    headers = [("x-amzn-RequestId", "R-1"), ("Date", "Thu, 21 Nov 2024 08:32:24 GMT")]
    out = n.normalise_response("dynamodb", "GetItem", Response(200, headers, b"{}"))
    assert out.headers == [("x-amzn-RequestId", "<request-id:1>"), ("Date", "<date>")]
    assert n.table is table
    assert table.to_dict() == {"<request-id:1>": "request-id", "<date>": "date"}


def test_unknown_service_gets_redaction_and_the_common_rules() -> None:
    i = Interaction(
        0,
        "sts",
        "GetCallerIdentity",
        Request("POST", "/", [], [("Authorization", "AWS4-HMAC-SHA256 Credential=AKIA...")]),
        Response(200, [("x-amzn-RequestId", "r")], b"<x/>"),
    )
    n = Normaliser()
    out = n.normalise(i)
    assert out.request.headers == [("Authorization", "<redacted>")]
    assert out.response.headers == [("x-amzn-RequestId", "<request-id:1>")]
    assert n.rule_set_versions() == {"common": "2"}


def test_rewritten_request_body_keeps_true_digests(moto: str) -> None:
    # PutBucketPolicy carries Content-MD5 (or a flexible checksum): after the account in the
    # policy's ARN is normalised, the stored digests must describe the stored body.
    s3, rec = client("s3", moto)
    s3.create_bucket(Bucket="policy-bucket")
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::policy-bucket/*",
            }
        ],
    }
    s3.put_bucket_policy(Bucket="policy-bucket", Policy=json.dumps(policy))
    raw = rec.interactions[-1]
    out = Normaliser().normalise(raw).request
    assert b"arn:aws:iam::000000000000:root" in out.body
    assert out.header("Content-Length") == str(len(out.body))
    md5 = out.header("Content-MD5")
    crc = out.header("x-amz-checksum-crc32")
    assert md5 or crc  # botocore sends one of them
    if md5:
        assert md5 == base64.b64encode(hashlib.md5(out.body).digest()).decode()
    if crc:
        assert crc == base64.b64encode(zlib.crc32(out.body).to_bytes(4, "big")).decode()
    sha = out.header("x-amz-content-sha256")
    assert sha == hashlib.sha256(out.body).hexdigest()


def test_normalising_twice_changes_nothing(moto: str) -> None:
    ddb, rec = client("dynamodb", moto)
    ddb.create_table(
        TableName="twice",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    ddb.describe_table(TableName="twice")
    once = [Normaliser().normalise(i) for i in rec.interactions]
    # A second pass, with a fresh table as diff does for a recorded cassette.
    fresh = Normaliser()
    twice = [fresh.normalise(i) for i in once]
    assert [(i.request, i.response) for i in twice] == [(i.request, i.response) for i in once]
    # A second account stays the second account.
    arn = "arn:aws:iam::000000000001:role/x"
    again = fresh.normalise(_exchange("lambda", [], json.dumps({"Role": arn}).encode()))
    assert json.loads(again.response.body)["Role"] == arn


def test_user_opaque_bodies_are_left_alone() -> None:
    body = b'{"RequestId": "mine", "When": "arn:aws:iam::123456789012:root"}'
    extra = RuleSet(opaque_responses=frozenset({"Op"}))
    kept = Normaliser(extra).normalise(_exchange("dynamodb", [], body))
    changed = Normaliser().normalise(_exchange("dynamodb", [], body))
    assert kept.response.body == body
    assert changed.response.body != body
