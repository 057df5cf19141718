"""DynamoDB error outcomes as values, with the exact codes and wording DynamoDB uses."""

from __future__ import annotations

from typing import Any


class DynamoError(Exception):
    """An AWS error outcome of a DynamoDB request (rendered by the core as JSON 1.0)."""

    def __init__(self, code: str, message: str, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.extra = extra or {}


def validation(message: str) -> DynamoError:
    return DynamoError("ValidationException", message)


def invalid_params(detail: str) -> DynamoError:
    return validation(f"One or more parameter values were invalid: {detail}")


def not_found(table: str | None = None) -> DynamoError:
    # DescribeTable/DeleteTable name the table; item operations do not.
    # https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DescribeTable.html
    if table is None:
        return DynamoError("ResourceNotFoundException", "Requested resource not found")
    return DynamoError(
        "ResourceNotFoundException", f"Requested resource not found: Table: {table} not found"
    )


def conditional_failed(item: dict[str, Any] | None = None) -> DynamoError:
    extra = {"Item": item} if item is not None else None
    return DynamoError("ConditionalCheckFailedException", "The conditional request failed", extra)


KEY_MISMATCH = "The provided key element does not match the schema"
ITEM_TOO_BIG = "Item size has exceeded the maximum allowed size"
