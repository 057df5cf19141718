from __future__ import annotations

from pathlib import Path

from awsrec.cassette import Interaction, Request, Response
from awsrec.normalize import Normaliser, Rule, dump_rules_file, learn_noise, load_rules_file
from tests.awsrec.normalize.wire import client
from tests.support.servers import reset_moto

KEY = {
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST",
}


def _scenario(url: str) -> list[Interaction]:
    reset_moto(url)
    s3, s3_rec = client("s3", url)
    s3.create_bucket(Bucket="noise-bucket")
    s3.put_object(Bucket="noise-bucket", Key="k", Body=b"v")
    s3.list_objects_v2(Bucket="noise-bucket")
    ddb, ddb_rec = client("dynamodb", url)
    ddb.create_table(TableName="noise", **KEY)
    ddb.put_item(TableName="noise", Item={"pk": {"S": "a"}})
    ddb.describe_table(TableName="noise")
    return s3_rec.interactions + ddb_rec.interactions


def _comparable(i: Interaction) -> tuple[object, ...]:
    headers = [(k.lower(), v) for k, v in i.response.headers]
    return (i.operation, i.response.status, headers, i.response.body)


def test_learned_rules_make_two_real_runs_agree(moto: str, tmp_path: Path) -> None:
    run_a, run_b = _scenario(moto), _scenario(moto)
    learned = learn_noise(run_a, run_b)
    path = tmp_path / "noise.yaml"
    dump_rules_file(learned, path)
    rules = load_rules_file(path)
    assert rules.rules == learned.rules
    # Every proposal names a service and says it was learned.
    assert all(
        r.service in ("s3", "dynamodb") and r.name.startswith("learned") for r in rules.rules
    )
    norm_a, norm_b = Normaliser(rules), Normaliser(rules)
    a = [_comparable(norm_a.normalise(i)) for i in run_a]
    b = [_comparable(norm_b.normalise(i)) for i in run_b]
    assert a == b


def _pair(headers: list[tuple[str, str]], body: bytes, service: str = "lambda") -> Interaction:
    return Interaction(
        0, service, "ListThings", Request("GET", "/things"), Response(200, headers, body)
    )


def test_learn_proposes_header_json_and_xml_rules() -> None:
    a = [
        _pair(
            [("x-app-trace", "t-1"), ("x-stable", "s")],
            b'{"Items": [{"Stamp": "2024-01-01T00:00:00Z", "Id": "i"},'
            b' {"Stamp": "2024-01-01T00:00:01Z", "Id": "j"}], "Session": "aaa"}',
        ),
        _pair([], b"<R><Run><Token>x1</Token><Name>n</Name></Run></R>", "s3"),
    ]
    b = [
        _pair(
            [("x-app-trace", "t-2"), ("x-stable", "s")],
            b'{"Items": [{"Stamp": "2025-02-02T00:00:00Z", "Id": "i"},'
            b' {"Stamp": "2025-02-02T00:00:03Z", "Id": "j"}], "Session": "bbb"}',
        ),
        _pair([], b"<R><Run><Token>y2</Token><Name>n</Name></Run></R>", "s3"),
    ]
    learned = learn_noise(a, b)
    assert learned.rules == [
        Rule("header", "x-app-trace", "<noise:N>", "lambda", "learned: ListThings response"),
        Rule("json-path", "$.Items[*].Stamp", "<timestamp>", "lambda", "learned: ListThings"),
        Rule("json-path", "$.Session", "<noise:N>", "lambda", "learned: ListThings"),
        Rule("xml-path", "/R/Run/Token", "<noise:N>", "s3", "learned: ListThings"),
    ]
    # Applied, they make the two runs equal.
    na, nb = Normaliser(learned), Normaliser(learned)
    for x, y in zip(a, b, strict=True):
        assert na.normalise(x).response == nb.normalise(y).response
