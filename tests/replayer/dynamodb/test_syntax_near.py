"""The "near" text of expression syntax errors, checked against answers DynamoDB gave."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.replayer.dynamodb.conftest import error

KEY = {"pk": {"S": "a"}, "sk": {"N": "1"}}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        # The token before, the bad token and the token after, as written (spaces kept).
        (
            {"ConditionExpression": "attribute_exists(a) AND ([1] = :v)",
             "ExpressionAttributeValues": {":v": {"N": "1"}}},
            'Invalid ConditionExpression: Syntax error; token: "[", near: "([1"',
        ),
        (
            {"ConditionExpression": "a = = :v", "ExpressionAttributeValues": {":v": {"N": "1"}}},
            'Invalid ConditionExpression: Syntax error; token: "=", near: "= = :v"',
        ),
        # At the end the token is <EOF> and "near" holds what came before it.
        (
            {"UpdateExpression": "SET a = :v,", "ExpressionAttributeValues": {":v": {"N": "1"}}},
            'Invalid UpdateExpression: Syntax error; token: "<EOF>", near: ","',
        ),
    ],
)  # fmt: skip
def test_syntax_error_near_text(ddb: Any, table: str, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ClientError) as exc:
        ddb.update_item(TableName=table, Key=KEY, **kwargs)
    assert error(exc) == ("ValidationException", message)


def test_projection_syntax_error_near_text(ddb: Any, table: str) -> None:
    with pytest.raises(ClientError) as exc:
        ddb.get_item(TableName=table, Key=KEY, ProjectionExpression="!!")
    assert error(exc) == (
        "ValidationException",
        'Invalid ProjectionExpression: Syntax error; token: "!", near: "!!"',
    )
