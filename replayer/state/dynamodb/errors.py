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


# TransactWriteItems and ExecuteTransaction fail alike:
# https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html
# https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_ExecuteTransaction.html
ONE_ITEM_TWICE = "Transaction request cannot include multiple operations on one item"


def idempotent_mismatch() -> DynamoError:
    """A ClientRequestToken reused with a different request."""
    return DynamoError(
        "IdempotentParameterMismatchException",
        "The request uses the same client token as a previous, but non-identical request.",
    )


def raise_if_cancelled(reasons: list[dict[str, Any]]) -> None:
    """TransactionCanceledException with every item's reason, when any reason is not "None"."""
    if any(r["Code"] != "None" for r in reasons):
        codes = ", ".join(r["Code"] for r in reasons)
        raise DynamoError(
            "TransactionCanceledException",
            "Transaction cancelled, please refer cancellation reasons for specific reasons "
            f"[{codes}]",
            {"CancellationReasons": reasons},
        )


KEY_MISMATCH = "The provided key element does not match the schema"
ITEM_TOO_BIG = "Item size has exceeded the maximum allowed size"
