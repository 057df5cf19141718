"""Item CRUD through boto3: keys, types, ReturnValues, conditional failures, size, persistence."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.replayer.conftest import ddb_client
from tests.replayer.dynamodb.conftest import error, make_table

KEY = {"pk": {"S": "a"}, "sk": {"N": "1"}}


def test_put_get_delete_round_trip(ddb: Any, table: str) -> None:
    item = {**KEY, "e": {"S": ""}, "b": {"B": b"\x00\xff"}, "n": {"N": "1.50"}, "z": {"NULL": True}}
    assert "Attributes" not in ddb.put_item(TableName=table, Item=item, ReturnValues="ALL_OLD")
    got = ddb.get_item(TableName=table, Key=KEY, ConsistentRead=True)["Item"]
    assert got["n"] == {"N": "1.5"}  # numbers come back normalised
    assert got["b"] == {"B": b"\x00\xff"}
    assert got["e"] == {"S": ""}  # empty strings are fine outside keys
    old = ddb.put_item(TableName=table, Item=KEY, ReturnValues="ALL_OLD")["Attributes"]
    assert old == got
    assert ddb.delete_item(TableName=table, Key=KEY, ReturnValues="ALL_OLD")["Attributes"] == KEY
    assert "Item" not in ddb.get_item(TableName=table, Key=KEY)


def test_get_item_projection_of_nested_paths(ddb: Any, table: str) -> None:
    ddb.put_item(
        TableName=table,
        Item={
            **KEY,
            "m": {"M": {"a": {"N": "1"}, "b": {"N": "2"}}},
            "l": {"L": [{"S": "x"}, {"S": "y"}, {"S": "z"}]},
        },
    )
    got = ddb.get_item(
        TableName=table,
        Key=KEY,
        ProjectionExpression="m.b, l[2], l[0], #k",
        ExpressionAttributeNames={"#k": "pk"},
    )["Item"]
    assert got == {
        "pk": {"S": "a"},
        "m": {"M": {"b": {"N": "2"}}},
        "l": {"L": [{"S": "x"}, {"S": "z"}]},
    }


def test_conditional_failure_returns_item_when_asked(ddb: Any, table: str) -> None:
    ddb.put_item(TableName=table, Item={**KEY, "v": {"N": "1"}})
    with pytest.raises(ClientError) as exc:
        ddb.put_item(
            TableName=table,
            Item=KEY,
            ConditionExpression="attribute_not_exists(pk)",
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
    assert error(exc) == ("ConditionalCheckFailedException", "The conditional request failed")
    assert exc.value.response["Item"] == {**KEY, "v": {"N": "1"}}
    with pytest.raises(ClientError) as exc:
        ddb.delete_item(TableName=table, Key=KEY, ConditionExpression="attribute_not_exists(v)")
    assert "Item" not in exc.value.response


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda d: d.get_item(TableName="things", Key={"pk": {"S": "a"}}),
            "The provided key element does not match the schema",
        ),
        (
            lambda d: d.get_item(TableName="things", Key={"pk": {"S": "a"}, "sk": {"S": "1"}}),
            "The provided key element does not match the schema",
        ),
        (
            lambda d: d.put_item(TableName="things", Item={"pk": {"S": "a"}}),
            "One or more parameter values were invalid: Missing the key sk in the item",
        ),
        (
            lambda d: d.put_item(TableName="things", Item={"pk": {"N": "1"}, "sk": {"N": "1"}}),
            "One or more parameter values were invalid: "
            "Type mismatch for key pk expected: S actual: N",
        ),
        (
            lambda d: d.put_item(TableName="things", Item={"pk": {"S": ""}, "sk": {"N": "1"}}),
            "One or more parameter values are not valid. The AttributeValue for a key attribute "
            "cannot contain an empty string value. Key: pk",
        ),
        (
            lambda d: d.put_item(TableName="things", Item={**KEY, "s": {"SS": []}}),
            "One or more parameter values were invalid: An string set  may not be empty",
        ),
        (
            lambda d: d.put_item(TableName="things", Item={**KEY, "s": {"SS": ["a", "a"]}}),
            "One or more parameter values were invalid: "
            "Input collection [a, a] contains duplicates.",
        ),
        (
            lambda d: d.put_item(TableName="things", Item={**KEY, "big": {"S": "x" * 410_000}}),
            "Item size has exceeded the maximum allowed size",
        ),
        (
            lambda d: d.put_item(TableName="things", Item={**KEY, "n": {"N": "1" * 39}}),
            "Attempting to store more than 38 significant digits in a Number",
        ),
        (
            lambda d: d.put_item(TableName="things", Item={**KEY, "n": {"N": "1E+126"}}),
            "Number overflow. Attempting to store a number with magnitude "
            "larger than supported range",
        ),
        (
            lambda d: d.put_item(TableName="things", Item=KEY, ReturnValues="ALL_NEW"),
            "Return values set to invalid value",
        ),
    ],
)
def test_item_validation_messages(ddb: Any, table: str, call: Any, message: str) -> None:
    with pytest.raises(ClientError) as exc:
        call(ddb)
    assert error(exc) == ("ValidationException", message)


def test_missing_table(ddb: Any) -> None:
    with pytest.raises(ClientError) as exc:
        ddb.get_item(TableName="nothing", Key=KEY)
    assert error(exc) == ("ResourceNotFoundException", "Requested resource not found")


def test_legacy_expected_and_attribute_updates(ddb: Any, table: str) -> None:
    ddb.put_item(TableName=table, Item={**KEY, "v": {"N": "1"}}, Expected={"pk": {"Exists": False}})
    with pytest.raises(ClientError) as exc:
        ddb.put_item(TableName=table, Item=KEY, Expected={"pk": {"Exists": False}})
    assert error(exc)[0] == "ConditionalCheckFailedException"
    out = ddb.update_item(
        TableName=table,
        Key=KEY,
        AttributeUpdates={"v": {"Action": "ADD", "Value": {"N": "2"}}, "w": {"Value": {"S": "x"}}},
        Expected={"v": {"ComparisonOperator": "EQ", "AttributeValueList": [{"N": "1"}]}},
        ReturnValues="ALL_NEW",
    )["Attributes"]
    assert out == {**KEY, "v": {"N": "3"}, "w": {"S": "x"}}
    with pytest.raises(ClientError) as exc:
        ddb.update_item(
            TableName=table,
            Key=KEY,
            AttributeUpdates={"v": {"Action": "DELETE"}},
            ConditionExpression="attribute_exists(v)",
        )
    assert error(exc) == (
        "ValidationException",
        "Can not use both expression and non-expression parameters in the same request: "
        "Non-expression parameters: {AttributeUpdates} "
        "Expression parameters: {ConditionExpression}",
    )


def test_update_creates_item_with_key_only(ddb: Any, table: str) -> None:
    ddb.update_item(TableName=table, Key=KEY)
    assert ddb.get_item(TableName=table, Key=KEY)["Item"] == KEY


def test_consumed_capacity(ddb: Any, table: str) -> None:
    out = ddb.put_item(TableName=table, Item=KEY, ReturnConsumedCapacity="TOTAL")
    assert out["ConsumedCapacity"] == {"TableName": table, "CapacityUnits": 1.0}
    got = ddb.get_item(TableName=table, Key=KEY, ReturnConsumedCapacity="TOTAL")
    assert got["ConsumedCapacity"] == {"TableName": table, "CapacityUnits": 0.5}


def test_directory_backend_persists_tables(served_dir: str, state_dir_of: Any) -> None:
    ddb = ddb_client(served_dir)
    make_table(ddb)
    ddb.put_item(TableName="things", Item={**KEY, "v": {"S": "kept"}})
    files = list(state_dir_of.rglob("things.json"))
    assert len(files) == 1
    assert b"kept" in files[0].read_bytes()
    assert ddb.get_item(TableName="things", Key=KEY)["Item"]["v"] == {"S": "kept"}
