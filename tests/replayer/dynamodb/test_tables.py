"""Control plane through boto3: CreateTable validation, lifecycle statuses, listing, settings."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.replayer.dynamodb.conftest import error, make_table

S = {"AttributeType": "S"}


def test_create_reports_creating_then_describe_active_and_delete_deleting(ddb: Any) -> None:
    # https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateTable.html
    made = ddb.create_table(
        TableName="orders",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", **S}],
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
    )["TableDescription"]
    assert made["TableStatus"] == "CREATING"
    assert made["TableArn"] == "arn:aws:dynamodb:us-east-1:000000000000:table/orders"
    desc = ddb.describe_table(TableName="orders")["Table"]
    assert desc["TableStatus"] == "ACTIVE"
    assert desc["ItemCount"] == 0
    assert desc["TableId"] == made["TableId"]
    assert desc["ProvisionedThroughput"]["ReadCapacityUnits"] == 5
    ddb.put_item(TableName="orders", Item={"pk": {"S": "a"}, "x": {"S": "hello"}})
    desc = ddb.describe_table(TableName="orders")["Table"]
    assert desc["ItemCount"] == 1
    assert desc["TableSizeBytes"] == len("pk") + 1 + len("x") + 5
    gone = ddb.delete_table(TableName="orders")["TableDescription"]
    assert gone["TableStatus"] == "DELETING"
    with pytest.raises(ClientError) as exc:
        ddb.describe_table(TableName="orders")
    assert error(exc) == (
        "ResourceNotFoundException",
        "Requested resource not found: Table: orders not found",
    )


def test_create_twice_is_resource_in_use(ddb: Any) -> None:
    make_table(ddb)
    with pytest.raises(ClientError) as exc:
        make_table(ddb)
    assert error(exc) == ("ResourceInUseException", "Table already exists: things")


@pytest.mark.parametrize(
    ("keys", "defs", "message"),
    [
        (
            [{"AttributeName": "pk", "KeyType": "HASH"}],
            [{"AttributeName": "pk", **S}, {"AttributeName": "x", **S}],
            "One or more parameter values were invalid: Number of attributes in KeySchema does "
            "not exactly match number of attributes defined in AttributeDefinitions",
        ),
        (
            [
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
            [{"AttributeName": "pk", **S}],
            "Invalid KeySchema: Some index key attribute have no definition",
        ),
        (
            [{"AttributeName": "pk", "KeyType": "RANGE"}],
            [{"AttributeName": "pk", **S}],
            "Invalid KeySchema: The first KeySchemaElement is not a HASH key type",
        ),
        (
            [{"AttributeName": "pk", "KeyType": "HASH"}],
            [{"AttributeName": "other", **S}],
            "One or more parameter values were invalid: Some index key attributes are not "
            "defined in AttributeDefinitions. Keys: [pk], AttributeDefinitions: [other]",
        ),
    ],
)
def test_create_table_validation(ddb: Any, keys: Any, defs: Any, message: str) -> None:
    with pytest.raises(ClientError) as exc:
        ddb.create_table(
            TableName="badtable",
            KeySchema=keys,
            AttributeDefinitions=defs,
            BillingMode="PAY_PER_REQUEST",
        )
    assert error(exc) == ("ValidationException", message)


def test_pay_per_request_rejects_throughput(ddb: Any) -> None:
    with pytest.raises(ClientError) as exc:
        ddb.create_table(
            TableName="ppr",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", **S}],
            BillingMode="PAY_PER_REQUEST",
            ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
        )
    assert error(exc) == (
        "ValidationException",
        "One or more parameter values were invalid: Neither ReadCapacityUnits nor "
        "WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST",
    )


def test_table_name_too_short(ddb: Any) -> None:
    with pytest.raises(ClientError) as exc:
        make_table(ddb, "ab")
    assert error(exc) == (
        "ValidationException",
        "1 validation error detected: Value 'ab' at 'tableName' failed to satisfy constraint: "
        "Member must have length greater than or equal to 3",
    )


def test_list_tables_pages(ddb: Any) -> None:
    for name in ("tab-c", "tab-a", "tab-b"):
        make_table(ddb, name)
    first = ddb.list_tables(Limit=2)
    assert first["TableNames"] == ["tab-a", "tab-b"]
    assert first["LastEvaluatedTableName"] == "tab-b"
    rest = ddb.list_tables(ExclusiveStartTableName="tab-b", Limit=2)
    assert rest["TableNames"] == ["tab-c"]
    assert "LastEvaluatedTableName" not in rest


def test_indexes_are_described(ddb: Any) -> None:
    make_table(
        ddb,
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by-g",
                "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "KEYS_ONLY"},
            }
        ],
        LocalSecondaryIndexes=[
            {
                "IndexName": "by-l",
                "KeySchema": [
                    {"AttributeName": "pk", "KeyType": "HASH"},
                    {"AttributeName": "l", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        more_defs=[{"AttributeName": "g", **S}, {"AttributeName": "l", **S}],
    )
    desc = ddb.describe_table(TableName="things")["Table"]
    assert desc["GlobalSecondaryIndexes"][0]["IndexStatus"] == "ACTIVE"
    assert desc["GlobalSecondaryIndexes"][0]["IndexArn"].endswith("table/things/index/by-g")
    assert desc["LocalSecondaryIndexes"][0]["IndexName"] == "by-l"
    ddb.update_table(
        TableName="things", GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "by-g"}}]
    )
    assert "GlobalSecondaryIndexes" not in ddb.describe_table(TableName="things")["Table"]


def test_ttl_tags_backups_limits_endpoints(ddb: Any, table: str) -> None:
    assert ddb.describe_time_to_live(TableName=table)["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "DISABLED"
    }
    spec = {"Enabled": True, "AttributeName": "expires"}
    assert (
        ddb.update_time_to_live(TableName=table, TimeToLiveSpecification=spec)[
            "TimeToLiveSpecification"
        ]
        == spec
    )
    assert ddb.describe_time_to_live(TableName=table)["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "ENABLED",
        "AttributeName": "expires",
    }
    with pytest.raises(ClientError) as exc:
        ddb.update_time_to_live(TableName=table, TimeToLiveSpecification=spec)
    assert error(exc) == ("ValidationException", "TimeToLive is already enabled")
    arn = ddb.describe_table(TableName=table)["Table"]["TableArn"]
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "team", "Value": "a"}])
    assert ddb.list_tags_of_resource(ResourceArn=arn)["Tags"] == [{"Key": "team", "Value": "a"}]
    ddb.untag_resource(ResourceArn=arn, TagKeys=["team"])
    assert ddb.list_tags_of_resource(ResourceArn=arn)["Tags"] == []
    backups = ddb.describe_continuous_backups(TableName=table)["ContinuousBackupsDescription"]
    assert backups["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "DISABLED"
    ddb.update_continuous_backups(
        TableName=table, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
    )
    backups = ddb.describe_continuous_backups(TableName=table)["ContinuousBackupsDescription"]
    assert backups["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED"
    assert ddb.describe_limits()["TableMaxReadCapacityUnits"] == 40000
    assert ddb.describe_endpoints()["Endpoints"][0]["Address"] == "dynamodb.us-east-1.amazonaws.com"


G_INDEX = {
    "IndexName": "by-g",
    "KeySchema": [
        {"AttributeName": "g", "KeyType": "HASH"},
        {"AttributeName": "sk", "KeyType": "RANGE"},
    ],
    "Projection": {"ProjectionType": "KEYS_ONLY"},
}


def test_update_table_creates_a_gsi_over_existing_items_then_deletes_it(
    ddb: Any, table: str
) -> None:
    for k in range(4):
        ddb.put_item(
            TableName=table,
            Item={"pk": {"S": "a"}, "sk": {"N": str(k)}, "g": {"S": f"g{k % 2}"}, "x": {"S": "-"}},
        )
    made = ddb.update_table(
        TableName=table,
        AttributeDefinitions=[
            {"AttributeName": "g", **S},
            {"AttributeName": "sk", "AttributeType": "N"},
        ],
        GlobalSecondaryIndexUpdates=[{"Create": G_INDEX}],
    )["TableDescription"]
    # https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateTable.html
    assert made["TableStatus"] == "UPDATING"
    assert [(g["IndexName"], g["IndexStatus"]) for g in made["GlobalSecondaryIndexes"]] == [
        ("by-g", "CREATING")
    ]
    desc = ddb.describe_table(TableName=table)["Table"]
    (gsi,) = desc["GlobalSecondaryIndexes"]
    assert (gsi["IndexStatus"], gsi["ItemCount"]) == ("ACTIVE", 4)
    assert {"AttributeName": "g", "AttributeType": "S"} in desc["AttributeDefinitions"]
    found = ddb.query(
        TableName=table,
        IndexName="by-g",
        KeyConditionExpression="g = :g",
        ExpressionAttributeValues={":g": {"S": "g1"}},
    )["Items"]
    # KEYS_ONLY: the index and table keys, nothing else.
    assert found == [
        {"pk": {"S": "a"}, "sk": {"N": "1"}, "g": {"S": "g1"}},
        {"pk": {"S": "a"}, "sk": {"N": "3"}, "g": {"S": "g1"}},
    ]
    dropped = ddb.update_table(
        TableName=table, GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "by-g"}}]
    )["TableDescription"]
    assert [(g["IndexName"], g["IndexStatus"]) for g in dropped["GlobalSecondaryIndexes"]] == [
        ("by-g", "DELETING")
    ]
    assert "GlobalSecondaryIndexes" not in ddb.describe_table(TableName=table)["Table"]
    with pytest.raises(ClientError) as exc:
        ddb.query(
            TableName=table,
            IndexName="by-g",
            KeyConditionExpression="g = :g",
            ExpressionAttributeValues={":g": {"S": "g1"}},
        )
    assert error(exc) == (
        "ValidationException",
        "The table does not have the specified index: by-g",
    )
    with pytest.raises(ClientError) as exc:
        ddb.update_table(
            TableName=table, GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "by-g"}}]
        )
    assert error(exc) == (
        "ResourceNotFoundException",
        "Requested resource not found: Index: by-g not found",
    )


def test_gsi_throughput_on_an_on_demand_table_names_the_index(ddb: Any) -> None:
    with pytest.raises(ClientError) as exc:
        make_table(
            ddb,
            GlobalSecondaryIndexes=[
                {
                    **G_INDEX,
                    "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
                }
            ],
            more_defs=[{"AttributeName": "g", **S}],
        )
    assert error(exc) == (
        "ValidationException",
        "One or more parameter values were invalid: Neither ReadCapacityUnits nor "
        "WriteCapacityUnits can be specified for index: by-g when BillingMode is PAY_PER_REQUEST",
    )


def test_provisioned_table_without_throughput(ddb: Any) -> None:
    # https://github.com/aws/aws-sdk-go/issues/3140 (BillingMode defaults to PROVISIONED)
    with pytest.raises(ClientError) as exc:
        ddb.create_table(
            TableName="prov",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", **S}],
        )
    assert error(exc) == (
        "ValidationException",
        "No provisioned throughput specified for the table",
    )


def test_new_tables_report_warm_throughput(ddb: Any, table: str) -> None:
    # https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/check-warm-throughput.html
    desc = ddb.describe_table(TableName=table)["Table"]
    assert desc["WarmThroughput"] == {
        "ReadUnitsPerSecond": 12000,
        "WriteUnitsPerSecond": 4000,
        "Status": "ACTIVE",
    }
