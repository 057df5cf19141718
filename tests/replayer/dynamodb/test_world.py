"""W0 seeding from a cassette, reset back to W0, and reload of a state directory on restart."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from awsrec.cassette import Cassette, CassetteHeader, Interaction, Request, Response, dump_cassette
from tests.replayer.conftest import ServeFactory, ddb_client, reset
from tests.replayer.dynamodb.conftest import make_table

KEY = {"pk": {"S": "a"}}
DESCRIPTION = {
    "TableName": "fixture",
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
    "TableStatus": "ACTIVE",
    "TableArn": "arn:aws:dynamodb:us-east-1:000000000000:table/fixture",
    "TableId": "00000000-0000-0000-0000-000000000000",
    "ItemCount": 1,
    "TableSizeBytes": 10,
    "ProvisionedThroughput": {
        "NumberOfDecreasesToday": 0,
        "ReadCapacityUnits": 1,
        "WriteCapacityUnits": 1,
    },
}


def exchange(seq: int, op: str, req: Any, resp: Any) -> Interaction:
    headers = [
        ("X-Amz-Target", f"DynamoDB_20120810.{op}"),
        ("Content-Type", "application/x-amz-json-1.0"),
    ]
    return Interaction(
        seq=seq,
        service="dynamodb",
        operation=op,
        request=Request("POST", "/", [], headers, json.dumps(req).encode()),
        response=Response(
            200, [("Content-Type", "application/x-amz-json-1.0")], json.dumps(resp).encode()
        ),
    )


def test_cassette_reads_seed_w0_and_reset_returns_to_it(
    tmp_path: Path, serve_factory: ServeFactory
) -> None:
    cassette = tmp_path / "fixture.awsrec"
    header = CassetteHeader(
        awsrec_version="0.1.0", recorded_at="2024-01-01T00:00:00Z", upstream="aws"
    )
    dump_cassette(
        cassette,
        Cassette(
            header,
            [
                exchange(0, "DescribeTable", {"TableName": "fixture"}, {"Table": DESCRIPTION}),
                exchange(
                    1,
                    "GetItem",
                    {"TableName": "fixture", "Key": KEY},
                    {"Item": {**KEY, "v": {"S": "seeded"}}},
                ),
                exchange(2, "CreateTable", {"TableName": "made"}, {"TableDescription": {}}),
                exchange(
                    3,
                    "DescribeTable",
                    {"TableName": "made"},
                    {"Table": {**DESCRIPTION, "TableName": "made"}},
                ),
            ],
        ),
    )
    server = serve_factory(cassettes=[cassette])
    ddb = ddb_client(server.url)
    assert ddb.get_item(TableName="fixture", Key=KEY)["Item"]["v"] == {"S": "seeded"}
    assert ddb.list_tables()["TableNames"] == ["fixture"]  # "made" is created by the cassette
    ddb.delete_item(TableName="fixture", Key=KEY)
    reset(server.url)
    assert ddb.get_item(TableName="fixture", Key=KEY)["Item"]["v"] == {"S": "seeded"}


def test_state_directory_survives_restart(tmp_path: Path, serve_factory: ServeFactory) -> None:
    first = serve_factory(state_dir=tmp_path)
    ddb = ddb_client(first.url)
    make_table(ddb, sort=None)
    ddb.put_item(TableName="things", Item={**KEY, "v": {"N": "42"}})
    first.stop()
    second = serve_factory(state_dir=tmp_path)
    again = ddb_client(second.url)
    assert again.get_item(TableName="things", Key=KEY)["Item"]["v"] == {"N": "42"}
    assert again.describe_table(TableName="things")["Table"]["ItemCount"] == 1
