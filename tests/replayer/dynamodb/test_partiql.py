"""PartiQL through boto3: ExecuteStatement, BatchExecuteStatement and ExecuteTransaction."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.replayer.dynamodb.conftest import error, make_table

MALFORMED = "Statement wasn't well formed, can't be processed: "


def s(v: str) -> dict[str, str]:
    return {"S": v}


def n(v: int | str) -> dict[str, str]:
    return {"N": str(v)}


def run(ddb: Any, statement: str, *params: Any, **extra: Any) -> Any:
    if params:
        extra["Parameters"] = list(params)
    return ddb.execute_statement(Statement=statement, **extra)


def fails(ddb: Any, statement: str, *params: Any, **extra: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as exc:
        run(ddb, statement, *params, **extra)
    return error(exc)


def test_insert_then_select_by_key_and_duplicate_key(ddb: Any, table: str) -> None:
    out = run(
        ddb, "INSERT INTO things VALUE {'pk': ?, 'sk': ?, 'tags': <<'a', 'b'>>}", s("a"), n(1)
    )
    assert out["Items"] == []
    got = run(ddb, 'SELECT * FROM "things" WHERE pk = ? AND sk = 1', s("a"))["Items"]
    assert got == [{"pk": s("a"), "sk": n(1), "tags": {"SS": ["a", "b"]}}]
    # https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ql-reference.insert.html
    assert fails(ddb, "INSERT INTO things VALUE {'pk': 'a', 'sk': 1}") == (
        "DuplicateItemException",
        "Duplicate primary key exists in table",
    )


def test_literals_of_each_type_round_trip(ddb: Any, table: str) -> None:
    run(
        ddb,
        "INSERT INTO things VALUE {'pk': 'lit', 'sk': 0, 'n': -1.50, 'b': true, 'z': null, "
        "'l': [1, 'x', {'m': false}], 'ns': <<3, 1>>, 'q': 'it''s'}",
    )
    (item,) = run(ddb, "SELECT * FROM things WHERE pk = 'lit' AND sk = 0")["Items"]
    assert item["n"] == n("-1.5")
    assert item["b"] == {"BOOL": True}
    assert item["z"] == {"NULL": True}
    assert item["l"] == {"L": [n(1), s("x"), {"M": {"m": {"BOOL": False}}}]}
    assert sorted(item["ns"]["NS"]) == ["1", "3"]
    assert item["q"] == s("it's")


def test_insert_needs_the_key_with_its_schema_type(ddb: Any, table: str) -> None:
    assert fails(ddb, "INSERT INTO things VALUE {'pk': 'a'}") == (
        "ValidationException",
        "Key attribute should be present in the item: Key sk",
    )
    assert fails(ddb, "INSERT INTO things VALUE {'pk': 'a', 'sk': 'one'}") == (
        "ValidationException",
        "Key attribute's data type should match its data type in table's schema: Key sk",
    )


def test_update_set_remove_returning(ddb: Any, table: str) -> None:
    run(ddb, "INSERT INTO things VALUE {'pk': 'u', 'sk': 1, 'n': 1, 'gone': 'x', 'l': [1]}")
    out = run(
        ddb,
        "UPDATE things SET n = n + 2 SET l = list_append(l, [?]) REMOVE gone "
        "WHERE pk = 'u' AND sk = 1 RETURNING ALL NEW *",
        n(7),
    )
    assert out["Items"] == [{"pk": s("u"), "sk": n(1), "n": n(3), "l": {"L": [n(1), n(7)]}}]
    out = run(ddb, "UPDATE things SET n = 10 WHERE pk = 'u' AND sk = 1 RETURNING MODIFIED OLD *")
    assert out["Items"] == [{"n": n(3)}]
    out = run(ddb, "UPDATE things SET t = set_add(t, <<'a'>>) WHERE pk = 'u' AND sk = 1")
    assert out["Items"] == []
    (item,) = run(ddb, "SELECT t FROM things WHERE pk = 'u' AND sk = 1")["Items"]
    assert item == {"t": {"SS": ["a"]}}


def test_update_of_missing_item_or_false_where_is_conditional_check_failed(
    ddb: Any, table: str
) -> None:
    # https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ql-reference.update.html
    failed = ("ConditionalCheckFailedException", "The conditional request failed")
    assert fails(ddb, "UPDATE things SET a = 1 WHERE pk = 'none' AND sk = 1") == failed
    run(ddb, "INSERT INTO things VALUE {'pk': 'c', 'sk': 1, 'v': 5}")
    with pytest.raises(ClientError) as exc:
        run(
            ddb,
            "UPDATE things SET v = 6 WHERE pk = 'c' AND sk = 1 AND v > 5",
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
    assert error(exc) == failed
    assert exc.value.response["Item"] == {"pk": s("c"), "sk": n(1), "v": n(5)}


def test_update_and_delete_need_every_key_attribute(ddb: Any, table: str) -> None:
    message = "Where clause does not contain a mandatory equality on all key attributes"
    assert fails(ddb, "UPDATE things SET a = 1 WHERE pk = 'a'") == ("ValidationException", message)
    assert fails(ddb, "DELETE FROM things WHERE pk = 'a' OR sk = 1") == (
        "ValidationException",
        message,
    )


def test_delete_missing_succeeds_false_where_fails_returning_all_old(ddb: Any, table: str) -> None:
    # https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ql-reference.delete.html
    assert run(ddb, "DELETE FROM things WHERE pk = 'x' AND sk = 1")["Items"] == []
    run(ddb, "INSERT INTO things VALUE {'pk': 'd', 'sk': 1, 'v': 1}")
    assert fails(ddb, "DELETE FROM things WHERE pk = 'd' AND sk = 1 AND v = 2") == (
        "ConditionalCheckFailedException",
        "The conditional request failed",
    )
    assert fails(ddb, "DELETE FROM things WHERE pk = 'd' AND sk = 1 RETURNING ALL NEW *") == (
        "ValidationException",
        "Invalid returning clause: RETURNING ALL NEW *. "
        "Only RETURNING ALL OLD * is allowed in DELETE statements.",
    )
    out = run(ddb, "DELETE FROM things WHERE pk = 'd' AND sk = 1 RETURNING ALL OLD *")
    assert out["Items"] == [{"pk": s("d"), "sk": n(1), "v": n(1)}]
    assert run(ddb, "SELECT * FROM things")["Items"] == []


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        ("DROP TABLE things", MALFORMED + "Expected data manipulation"),
        ("SELECT * FROM", MALFORMED + "Unexpected end of statement"),
        ("SELECT * things", MALFORMED + "Unexpected token"),
        ("SELECT * FROM things WHERE pk = 'a' WHERE", MALFORMED + "Unexpected keyword"),
        ("SELECT * FROM things WHERE nope(pk)", "Unrecognized function: nope"),
        ("INSERT INTO things VALUE {'pk': 'a', 'sk': 1} RETURNING ALL OLD *",
         "RETURNING is not supported in INSERT"),
        ("INSERT INTO things VALUE [1]",
         "Unsupported format in item expression. Please use struct format {...} to express "
         "item values for insert statement."),
        ("INSERT INTO things VALUE {'pk': 'a', 'sk': 1, 's': <<1, 'x'>>}",
         "Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags"),
        ("EXISTS(SELECT * FROM things WHERE pk = 'a' AND sk = 1)",
         "EXISTS can only be used in ExecuteTransaction write requests."),
        ("UPDATE things SET s = set_add(t, <<1>>) WHERE pk = 'a' AND sk = 1",
         "The first argument to SET_ADD must equal the assignment value"),
    ],
)  # fmt: skip
def test_statement_validation_messages(ddb: Any, table: str, statement: str, message: str) -> None:
    assert fails(ddb, statement) == ("ValidationException", message)


def test_too_few_parameters_fail_extra_ones_are_ignored(ddb: Any, table: str) -> None:
    assert fails(ddb, "SELECT * FROM things WHERE pk = ? AND sk = ?", s("a")) == (
        "ValidationException",
        "Number of parameters in request and statement don't match.",
    )
    assert run(ddb, "SELECT * FROM things WHERE pk = ?", s("a"), s("b"))["Items"] == []


def test_unknown_table_is_resource_not_found(ddb: Any) -> None:
    assert fails(ddb, "SELECT * FROM nothing") == (
        "ResourceNotFoundException",
        "Requested resource not found",
    )


def _fill(ddb: Any, partitions: int, per: int) -> None:
    for p in range(partitions):
        for k in range(per):
            run(ddb, "INSERT INTO things VALUE {'pk': ?, 'sk': ?, 'g': ?, 'odd': ?}",
                s(f"p{p}"), n(k), s(f"g{k % 3}"), {"BOOL": k % 2 == 1})  # fmt: skip


def _all_pages(ddb: Any, statement: str, *params: Any, limit: int) -> tuple[list[Any], int]:
    items: list[Any] = []
    pages = 0
    extra: dict[str, Any] = {"Limit": limit}
    while True:
        out = run(ddb, statement, *params, **extra)
        items += out["Items"]
        pages += 1
        if "NextToken" not in out:
            return items, pages
        extra["NextToken"] = out["NextToken"]


def test_select_pages_return_every_item_exactly_once(ddb: Any, table: str) -> None:
    _fill(ddb, 3, 10)
    got, pages = _all_pages(ddb, "SELECT * FROM things WHERE pk = ?", s("p1"), limit=4)
    assert [i["sk"]["N"] for i in got] == [str(k) for k in range(10)]
    assert pages == 3
    everything, _ = _all_pages(ddb, "SELECT pk, sk FROM things", limit=7)
    keys = [(i["pk"]["S"], i["sk"]["N"]) for i in everything]
    assert sorted(keys) == sorted((f"p{p}", str(k)) for p in range(3) for k in range(10))
    assert len(set(keys)) == 30
    # Limit counts items evaluated, so a filter can leave a page short (or empty).
    odd, _ = _all_pages(ddb, "SELECT sk FROM things WHERE pk = 'p0' AND odd = true", limit=3)
    assert [i["sk"]["N"] for i in odd] == ["1", "3", "5", "7", "9"]


def test_next_token_belongs_to_its_statement(ddb: Any, table: str) -> None:
    _fill(ddb, 1, 3)
    token = run(ddb, "SELECT * FROM things", Limit=1)["NextToken"]
    assert fails(ddb, "SELECT pk FROM things", NextToken=token) == (
        "ValidationException",
        "NextToken does not match request",
    )


def test_select_sort_key_conditions_and_gsi(ddb: Any) -> None:
    gsi = {
        "IndexName": "by-g",
        "KeySchema": [
            {"AttributeName": "g", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        "Projection": {"ProjectionType": "ALL"},
    }
    make_table(
        ddb,
        GlobalSecondaryIndexes=[gsi],
        more_defs=[{"AttributeName": "g", "AttributeType": "S"}],
    )
    _fill(ddb, 2, 9)
    between = run(ddb, "SELECT sk FROM things WHERE pk = 'p0' AND sk BETWEEN 2 AND 4")["Items"]
    assert [i["sk"]["N"] for i in between] == ["2", "3", "4"]
    above = run(ddb, "SELECT sk FROM things WHERE 6 < sk AND pk = 'p1'")["Items"]
    assert [i["sk"]["N"] for i in above] == ["7", "8"]
    listed = run(ddb, "SELECT sk FROM things WHERE pk = 'p1' AND sk IN [1, 8]")["Items"]
    assert [i["sk"]["N"] for i in listed] == ["1", "8"]
    via = run(ddb, 'SELECT pk, sk FROM "things"."by-g" WHERE g = ? AND sk >= 6', s("g0"))["Items"]
    assert sorted((i["pk"]["S"], i["sk"]["N"]) for i in via) == [("p0", "6"), ("p1", "6")]
    assert fails(ddb, 'SELECT * FROM "things"."nope"') == (
        "ValidationException",
        "The table does not have the specified index: nope",
    )


def test_batch_reads_and_per_statement_errors(ddb: Any, table: str) -> None:
    run(ddb, "INSERT INTO things VALUE {'pk': 'a', 'sk': 1, 'v': 1}")
    out = ddb.batch_execute_statement(
        Statements=[
            {"Statement": "SELECT * FROM things WHERE pk = ? AND sk = 1", "Parameters": [s("a")]},
            {"Statement": "SELECT * FROM things WHERE pk = 'none' AND sk = 1"},
            {"Statement": "SELECT * FROM things WHERE pk = 'a'"},
            {"Statement": "SELEKT * FROM things"},
        ]
    )["Responses"]
    assert out[0] == {"TableName": "things", "Item": {"pk": s("a"), "sk": n(1), "v": n(1)}}
    assert out[1] == {"TableName": "things"}
    assert out[2]["Error"] == {
        "Code": "ValidationError",
        "Message": "Where clause does not contain a mandatory equality on all key attributes",
    }
    assert out[3]["Error"]["Message"] == MALFORMED + "Expected data manipulation"


def test_batch_writes_apply_independently(ddb: Any, table: str) -> None:
    run(ddb, "INSERT INTO things VALUE {'pk': 'a', 'sk': 1}")
    out = ddb.batch_execute_statement(
        Statements=[
            {"Statement": "INSERT INTO things VALUE {'pk': 'b', 'sk': 1}"},
            {"Statement": "INSERT INTO things VALUE {'pk': 'a', 'sk': 1}"},
            {"Statement": "UPDATE things SET v = 2 WHERE pk = 'a' AND sk = 1"},
        ]
    )["Responses"]
    assert out[0] == {"TableName": "things"}
    assert out[1]["Error"] == {
        "Code": "DuplicateItem",
        "Message": "Duplicate primary key exists in table",
    }
    assert out[2] == {"TableName": "things"}
    items = run(ddb, "SELECT pk, v FROM things")["Items"]
    assert sorted(i["pk"]["S"] for i in items) == ["a", "b"]
    assert {"pk": s("a"), "v": n(2)} in items


def test_batch_cannot_mix_reads_and_writes(ddb: Any, table: str) -> None:
    with pytest.raises(ClientError) as exc:
        ddb.batch_execute_statement(
            Statements=[
                {"Statement": "INSERT INTO things VALUE {'pk': 'b', 'sk': 1}"},
                {"Statement": "SELECT * FROM things WHERE pk = 'b' AND sk = 1"},
            ]
        )
    assert error(exc)[0] == "ValidationException"


def test_transaction_writes_all_or_nothing_with_reasons_in_order(ddb: Any, table: str) -> None:
    run(ddb, "INSERT INTO things VALUE {'pk': 'a', 'sk': 1, 'v': 1}")
    run(ddb, "INSERT INTO things VALUE {'pk': 'b', 'sk': 1, 'v': 1}")
    with pytest.raises(ClientError) as exc:
        ddb.execute_transaction(
            TransactStatements=[
                {"Statement": "INSERT INTO things VALUE {'pk': 'new', 'sk': 1}"},
                {"Statement": "UPDATE things SET v = 9 WHERE pk = 'missing' AND sk = 1"},
                {"Statement": "INSERT INTO things VALUE {'pk': 'a', 'sk': 1}"},
                {
                    "Statement": "EXISTS(SELECT * FROM things WHERE pk = 'b' AND sk = 1 AND v = 2)",
                    "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                },
            ]
        )
    code, message = error(exc)
    assert code == "TransactionCanceledException"
    assert message.endswith("[None, ConditionalCheckFailed, DuplicateItem, ConditionalCheckFailed]")
    reasons = exc.value.response["CancellationReasons"]
    assert reasons[3]["Item"] == {"pk": s("b"), "sk": n(1), "v": n(1)}
    assert run(ddb, "SELECT * FROM things WHERE pk = 'new' AND sk = 1")["Items"] == []
    ddb.execute_transaction(
        TransactStatements=[
            {"Statement": "EXISTS(SELECT * FROM things WHERE pk = 'a' AND sk = 1 AND v = 1)"},
            {"Statement": "INSERT INTO things VALUE {'pk': 'new', 'sk': 1}"},
            {"Statement": "DELETE FROM things WHERE pk = 'gone' AND sk = 1"},
        ],
        ClientRequestToken="tok-1",
    )
    assert len(run(ddb, "SELECT * FROM things")["Items"]) == 3
    with pytest.raises(ClientError) as exc:
        ddb.execute_transaction(
            TransactStatements=[{"Statement": "DELETE FROM things WHERE pk = 'a' AND sk = 1"}],
            ClientRequestToken="tok-1",
        )
    assert error(exc)[0] == "IdempotentParameterMismatchException"


def test_transaction_reads_and_its_rules(ddb: Any, table: str) -> None:
    run(ddb, "INSERT INTO things VALUE {'pk': 'a', 'sk': 1, 'v': 1}")
    out = ddb.execute_transaction(
        TransactStatements=[
            {"Statement": "SELECT v FROM things WHERE pk = 'a' AND sk = 1"},
            {"Statement": "SELECT * FROM things WHERE pk = 'b' AND sk = 1"},
        ]
    )
    assert out["Responses"] == [{"Item": {"v": n(1)}}, {}]
    rules = [
        (
            [{"Statement": "SELECT * FROM things WHERE pk = 'a'"}],
            "Select statements within ExecuteTransaction must specify the primary key in the "
            "where clause.",
        ),
        (
            [
                {"Statement": "SELECT * FROM things WHERE pk = 'a' AND sk = 1"},
                {"Statement": "DELETE FROM things WHERE pk = 'a' AND sk = 1"},
            ],
            "ExecuteTransaction API does not support both read and write operations in the "
            "same request.",
        ),
        (
            [
                {"Statement": "UPDATE things SET v = 2 WHERE pk = 'a' AND sk = 1"},
                {"Statement": "DELETE FROM things WHERE pk = 'a' AND sk = 1"},
            ],
            "Transaction request cannot include multiple operations on one item",
        ),
    ]
    for statements, message in rules:
        with pytest.raises(ClientError) as exc:
            ddb.execute_transaction(TransactStatements=statements)
        assert error(exc) == ("ValidationException", message)
