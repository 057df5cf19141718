"""DynamoDB fixtures: a boto3 client on the served world and a ready table."""

from __future__ import annotations

from typing import Any

import pytest

from tests.replayer.conftest import ddb_client


def make_table(ddb: Any, name: str = "things", sort: str | None = "sk", **extra: Any) -> None:
    keys = [{"AttributeName": "pk", "KeyType": "HASH"}]
    defs = [{"AttributeName": "pk", "AttributeType": "S"}]
    if sort:
        keys.append({"AttributeName": sort, "KeyType": "RANGE"})
        defs.append({"AttributeName": sort, "AttributeType": "N"})
    defs += extra.pop("more_defs", [])
    ddb.create_table(
        TableName=name,
        KeySchema=keys,
        AttributeDefinitions=defs,
        BillingMode="PAY_PER_REQUEST",
        **extra,
    )


@pytest.fixture
def ddb(served: str) -> Any:
    return ddb_client(served)


@pytest.fixture
def table(ddb: Any) -> str:
    make_table(ddb)
    return "things"


def error(exc: pytest.ExceptionInfo[Any]) -> tuple[str, str]:
    err = exc.value.response["Error"]
    return err["Code"], err["Message"]
