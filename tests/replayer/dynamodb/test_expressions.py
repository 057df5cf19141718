"""The expression engine through boto3: valid cases by outcome, invalid ones by exact message."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.replayer.dynamodb.conftest import error

KEY = {"pk": {"S": "a"}, "sk": {"N": "1"}}
ITEM = {
    **KEY,
    "n": {"N": "5"},
    "s": {"S": "hello world"},
    "tags": {"SS": ["x", "y"]},
    "nums": {"NS": ["1", "2"]},
    "l": {"L": [{"N": "1"}, {"S": "two"}, {"M": {"deep": {"S": "d"}}}]},
    "m": {"M": {"kid": {"M": {"v": {"N": "7"}}}, "flag": {"BOOL": True}}},
    "e": {"S": ""},
}


@pytest.fixture
def seeded(ddb: Any, table: str) -> Any:
    ddb.put_item(TableName=table, Item=ITEM)
    return ddb


def check(ddb: Any, cond: str, values: dict[str, Any] | None = None, names: Any = None) -> bool:
    """True when ConditionExpression holds for ITEM (a no-op update guarded by it)."""
    kw: dict[str, Any] = {"ConditionExpression": cond}
    if values:
        kw["ExpressionAttributeValues"] = values
    if names:
        kw["ExpressionAttributeNames"] = names
    try:
        ddb.put_item(TableName="things", Item=ITEM, **kw)
        return True
    except ddb.exceptions.ConditionalCheckFailedException:
        return False


N = lambda x: {"N": str(x)}  # noqa: E731
S = lambda x: {"S": x}  # noqa: E731

TRUE_FALSE = [
    ("n = :v", {":v": N(5)}, True),
    ("n = :v", {":v": N("5.0")}, True),
    ("n <> :v", {":v": N(5)}, False),
    ("nothere <> :v", {":v": N(5)}, True),
    ("n < :v", {":v": N(6)}, True),
    ("n <= :v", {":v": N(5)}, True),
    ("n > :v", {":v": N(5)}, False),
    ("n >= :v", {":v": N(5)}, True),
    ("s > :v", {":v": S("hello")}, True),
    ("n > :v", {":v": S("1")}, False),  # different types never compare
    ("n BETWEEN :a AND :b", {":a": N(1), ":b": N(5)}, True),
    ("n IN (:a, :b)", {":a": N(1), ":b": N(5)}, True),
    ("n IN (:a, :b)", {":a": N(1), ":b": N(2)}, False),
    ("attribute_exists(m.kid.v)", None, True),
    ("attribute_exists(l[2].deep)", None, True),
    ("attribute_exists(l[3])", None, False),
    ("attribute_not_exists(nope)", None, True),
    ("attribute_type(tags, :t)", {":t": S("SS")}, True),
    ("begins_with(s, :p)", {":p": S("hell")}, True),
    ("contains(s, :p)", {":p": S("o w")}, True),
    ("contains(tags, :p)", {":p": S("y")}, True),
    ("contains(nums, :p)", {":p": N(2)}, True),
    ("contains(l, :p)", {":p": S("two")}, True),
    ("size(s) = :n", {":n": N(11)}, True),
    ("size(l) > :n", {":n": N(3)}, False),
    ("size(e) = :z", {":z": N(0)}, True),
    ("NOT n = :v", {":v": N(5)}, False),
    ("n = :a OR n = :b AND s = :c", {":a": N(5), ":b": N(0), ":c": S("no")}, True),
    ("(n = :a OR n = :b) AND s = :c", {":a": N(5), ":b": N(0), ":c": S("no")}, False),
    ("m.#f = :t", {":t": {"BOOL": True}}, True),
    ("m = :m", {":m": {"M": {"flag": {"BOOL": True}, "kid": {"M": {"v": N(7)}}}}}, True),
    ("tags = :t", {":t": {"SS": ["y", "x"]}}, True),
]


@pytest.mark.parametrize(("cond", "values", "expected"), TRUE_FALSE)
def test_condition_truth(seeded: Any, cond: str, values: Any, expected: bool) -> None:
    names = {"#f": "flag"} if "#f" in cond else None
    assert check(seeded, cond, values, names) is expected


INVALID = [
    (
        "put",
        {"ConditionExpression": "n = :v :w", "ExpressionAttributeValues": {":v": N(1), ":w": N(1)}},
        'Invalid ConditionExpression: Syntax error; token: ":w", near: ":v :w"',
    ),
    (
        "put",
        {"ConditionExpression": "n =", "ExpressionAttributeValues": {":v": N(1)}},
        'Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "="',
    ),
    (
        "put",
        {"ConditionExpression": "name = :v", "ExpressionAttributeValues": {":v": N(1)}},
        "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: name",
    ),
    (
        "put",
        {"ConditionExpression": "n = :v", "ExpressionAttributeValues": {":v": N(1), ":u": N(2)}},
        "Value provided in ExpressionAttributeValues unused in expressions: keys: {:u}",
    ),
    (
        "put",
        {
            "ConditionExpression": "n = :v",
            "ExpressionAttributeValues": {":v": N(1)},
            "ExpressionAttributeNames": {"#x": "x"},
        },
        "Value provided in ExpressionAttributeNames unused in expressions: keys: {#x}",
    ),
    (
        "put",
        {"ConditionExpression": "#x = :v", "ExpressionAttributeValues": {":v": N(1)}},
        "Invalid ConditionExpression: An expression attribute name used in the document path "
        "is not defined; attribute name: #x",
    ),
    (
        "put",
        {"ConditionExpression": "n = :nope"},
        "Invalid ConditionExpression: An expression attribute value used in expression is not "
        "defined; attribute value: :nope",
    ),
    (
        "put",
        {"ConditionExpression": "foo(n)"},
        "Invalid ConditionExpression: Invalid function name; function: foo",
    ),
    (
        "put",
        {"ConditionExpression": "size(n)"},
        "Invalid ConditionExpression: The function is not allowed to be used this way in an "
        "expression; function: size",
    ),
    (
        "put",
        {"ConditionExpression": "begins_with(s, :v)", "ExpressionAttributeValues": {":v": N(1)}},
        "Invalid ConditionExpression: Incorrect operand type for operator or function; "
        "operator or function: begins_with, operand type: N",
    ),
    (
        "put",
        {"ConditionExpression": "attribute_exists(n, s)"},
        "Invalid ConditionExpression: Incorrect number of operands for operator or function; "
        "operator or function: attribute_exists, number of operands: 2",
    ),
    (
        "put",
        {"ConditionExpression": "n < :v", "ExpressionAttributeValues": {":v": {"BOOL": True}}},
        "Invalid ConditionExpression: Incorrect operand type for operator or function; "
        "operator or function: <, operand type: BOOL",
    ),
    (
        "put",
        {"ConditionExpression": "n = :v", "ExpressionAttributeValues": {"v": N(1)}},
        'ExpressionAttributeValues contains invalid key: Syntax error; key: "v"',
    ),
    (
        "put",
        {"ExpressionAttributeNames": {"#n": "n"}},
        "ExpressionAttributeNames can only be specified when using expressions",
    ),
    (
        "put",
        {"ConditionExpression": ""},
        "Invalid ConditionExpression: The expression can not be empty;",
    ),
    (
        "update",
        {
            "UpdateExpression": "SET n = :v :w",
            "ExpressionAttributeValues": {":v": N(1), ":w": N(1)},
        },
        'Invalid UpdateExpression: Syntax error; token: ":w", near: ":v :w"',
    ),
    (
        "update",
        {"UpdateExpression": "SET a = :v SET b = :v", "ExpressionAttributeValues": {":v": N(1)}},
        'Invalid UpdateExpression: The "SET" section can only be used once in an update '
        "expression;",
    ),
    (
        "update",
        {"UpdateExpression": "SET m = :v, m.kid = :v", "ExpressionAttributeValues": {":v": N(1)}},
        "Invalid UpdateExpression: Two document paths overlap with each other; must remove or "
        "rewrite one of these paths; path one: [m], path two: [m, kid]",
    ),
    (
        "update",
        {"UpdateExpression": "SET l[0] = :v, l.x = :v", "ExpressionAttributeValues": {":v": N(1)}},
        "Invalid UpdateExpression: Two document paths conflict with each other; must remove or "
        "rewrite one of these paths; path one: [l, [0]], path two: [l, x]",
    ),
    (
        "update",
        {"UpdateExpression": "SET sk = :v", "ExpressionAttributeValues": {":v": N(1)}},
        "One or more parameter values were invalid: Cannot update attribute sk. This attribute "
        "is part of the key",
    ),
    (
        "update",
        {"UpdateExpression": "SET s = s + :v", "ExpressionAttributeValues": {":v": N(1)}},
        "An operand in the update expression has an incorrect data type",
    ),
    (
        "update",
        {"UpdateExpression": "SET n = nope + :v", "ExpressionAttributeValues": {":v": N(1)}},
        "The provided expression refers to an attribute that does not exist in the item",
    ),
    (
        "update",
        {"UpdateExpression": "SET n = n + :v", "ExpressionAttributeValues": {":v": S("x")}},
        "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or "
        "function: +, operand type: S",
    ),
    (
        "update",
        {"UpdateExpression": "ADD s :v", "ExpressionAttributeValues": {":v": S("x")}},
        "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or "
        "function: ADD, operand type: S",
    ),
    (
        "update",
        {"UpdateExpression": "SET nope.x = :v", "ExpressionAttributeValues": {":v": N(1)}},
        "The document path provided in the update expression is invalid for update",
    ),
    (
        "update",
        {"UpdateExpression": "SET #zone = :v", "ExpressionAttributeValues": {":v": N(1)}},
        "Invalid UpdateExpression: An expression attribute name used in the document path is "
        "not defined; attribute name: #zone",
    ),
    (
        "update",
        {"UpdateExpression": "SET n = size(s)"},
        "Invalid UpdateExpression: The function is not allowed in an update expression; "
        "function: size",
    ),
    (
        "get",
        {"ProjectionExpression": "s, name"},
        "Invalid ProjectionExpression: Attribute name is a reserved keyword; "
        "reserved keyword: name",
    ),
    (
        "get",
        {"ProjectionExpression": "m, m.kid"},
        "Invalid ProjectionExpression: Two document paths overlap with each other; must remove "
        "or rewrite one of these paths; path one: [m], path two: [m, kid]",
    ),
    (
        "put",
        {"ConditionExpression": "n = :v", "ExpressionAttributeValues": {":v": {"SS": []}}},
        "ExpressionAttributeValues contains invalid value: One or more parameter values were "
        "invalid: An string set  may not be empty for key :v",
    ),
]


@pytest.mark.parametrize(("op", "kwargs", "message"), INVALID)
def test_invalid_expression_messages(seeded: Any, op: str, kwargs: Any, message: str) -> None:
    call = {
        "put": lambda: seeded.put_item(TableName="things", Item=ITEM, **kwargs),
        "update": lambda: seeded.update_item(TableName="things", Key=KEY, **kwargs),
        "get": lambda: seeded.get_item(TableName="things", Key=KEY, **kwargs),
    }[op]
    with pytest.raises(ClientError) as exc:
        call()
    assert error(exc) == ("ValidationException", message)
    assert seeded.get_item(TableName="things", Key=KEY)["Item"] == ITEM  # nothing changed


def test_update_actions_and_return_values(seeded: Any) -> None:
    out = seeded.update_item(
        TableName="things",
        Key=KEY,
        UpdateExpression=(
            "SET n = n + :one, l = list_append(l, :more), m.kid.v = :v, fresh = "
            "if_not_exists(fresh, :zero) REMOVE s ADD tags :t, cnt :one DELETE nums :d"
        ),
        ExpressionAttributeValues={
            ":one": N(1),
            ":more": {"L": [N(9)]},
            ":v": N(8),
            ":zero": N(0),
            ":t": {"SS": ["z", "x"]},
            ":d": {"NS": ["1", "2"]},
        },
        ReturnValues="ALL_NEW",
    )["Attributes"]
    assert out["n"] == N(6)
    assert out["l"] == {"L": [N(1), {"S": "two"}, {"M": {"deep": {"S": "d"}}}, N(9)]}
    assert out["m"]["M"]["kid"] == {"M": {"v": N(8)}}
    assert out["fresh"] == N(0)
    assert "s" not in out
    assert sorted(out["tags"]["SS"]) == ["x", "y", "z"]
    assert out["cnt"] == N(1)
    assert "nums" not in out  # a set emptied by DELETE disappears
    old = seeded.update_item(
        TableName="things",
        Key=KEY,
        UpdateExpression="SET m.kid.v = :v",
        ExpressionAttributeValues={":v": N(10)},
        ReturnValues="UPDATED_OLD",
    )["Attributes"]
    assert old == {"m": {"M": {"kid": {"M": {"v": N(8)}}}}}
    after = seeded.update_item(
        TableName="things", Key=KEY, UpdateExpression="REMOVE l[0], l[2]", ReturnValues="ALL_NEW"
    )["Attributes"]
    assert after["l"] == {"L": [{"S": "two"}, N(9)]}


def test_number_precision_is_exact(seeded: Any) -> None:
    big = "12345678901234567890123456789012345678"
    out = seeded.update_item(
        TableName="things",
        Key=KEY,
        UpdateExpression="SET p = :a + :b",
        ExpressionAttributeValues={":a": N("0.1"), ":b": N("0.2")},
        ReturnValues="UPDATED_NEW",
    )["Attributes"]
    assert out == {"p": N("0.3")}
    with pytest.raises(ClientError) as exc:
        seeded.update_item(
            TableName="things",
            Key=KEY,
            UpdateExpression="SET p = :a + :b",
            ExpressionAttributeValues={":a": N(big), ":b": N("0.5")},
        )
    assert error(exc) == (
        "ValidationException",
        "Attempting to store more than 38 significant digits in a Number",
    )
