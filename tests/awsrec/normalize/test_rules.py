from __future__ import annotations

from pathlib import Path

import pytest

from awsrec.errors import RulesError
from awsrec.normalize import Rule, RuleSet, builtin_rules, dump_rules_file, load_rules_file


@pytest.mark.parametrize("service", ["s3", "dynamodb", "lambda"])
def test_builtin_rules_are_common_then_service_and_versioned(service: str) -> None:
    rules = builtin_rules(service)
    assert rules.version.startswith("common-")
    assert f"+{service}-" in rules.version
    # The common set comes first: the Date header rule is its first rule.
    assert rules.rules[0] == Rule("header", "Date", "<date>", name="date header")
    assert any(r.where == "body-regex" for r in rules.rules)


def test_builtin_rules_unknown_service() -> None:
    with pytest.raises(RulesError, match="no built-in rules for service 'sqs'"):
        builtin_rules("sqs")


def test_load_valid_file_list_and_mapping_forms(tmp_path: Path) -> None:
    listed = tmp_path / "list.yaml"
    listed.write_text(
        "- {where: header, match: x-my-trace, replace: '<trace-id:N>'}\n"
        "- {where: json-path, match: $.Item.token.S, replace: '<redacted>', service: dynamodb,"
        " name: app token}\n"
    )
    rs = load_rules_file(listed)
    assert rs.rules == [
        Rule("header", "x-my-trace", "<trace-id:N>"),
        Rule("json-path", "$.Item.token.S", "<redacted>", "dynamodb", "app token"),
    ]
    mapped = tmp_path / "map.yaml"
    mapped.write_text("version: '7'\nrules:\n  - {where: query, match: token, replace: X}\n")
    rs = load_rules_file(mapped)
    assert rs.version == "7"
    assert rs.rules == [Rule("query", "token", "X")]
    empty = tmp_path / "empty.yaml"
    empty.write_text("")
    assert load_rules_file(empty).rules == []


def test_dump_then_load_round_trips(tmp_path: Path) -> None:
    rs = RuleSet(
        [
            Rule("xml-path", "//Foo", "<noise:N>", "s3", "learned: X"),
            Rule("body-regex", r"id=(\d+)", "<uuid:N>"),
        ],
        version="learned-1",
        opaque_responses=frozenset({"GetThing"}),
    )
    path = tmp_path / "rules.yaml"
    dump_rules_file(rs, path)
    again = load_rules_file(path)
    assert again.rules == rs.rules
    assert again.version == "learned-1"
    assert again.opaque_responses == {"GetThing"}
    assert again.opaque_requests == frozenset()


MISTAKES = [
    ("- {where: headers, match: a, replace: b}", "rule 0: field 'where': 'headers' is not one of"),
    ("- {where: header, replace: b}", "rule 0: field 'match': missing"),
    ("- {where: header, match: a}", "rule 0: field 'replace': missing"),
    ("- {where: header, match: 3, replace: b}", "rule 0: field 'match': must be a string, got int"),
    ("- {where: header, match: '', replace: b}", "rule 0: field 'match': must not be empty"),
    (
        "- {where: query, match: a, replace: b}\n- {where: body-regex, match: '(x', replace: b}",
        "rule 1: field 'match': '\\(x': missing \\), unterminated subpattern",
    ),
    ("- {where: json-path, match: Table.Id, replace: b}", "rule 0: field 'match': .* must start"),
    ("- {where: json-path, match: '$.a[x]', replace: b}", "rule 0: field 'match': bad json-path"),
    ("- {where: xml-path, match: '/A/<B>', replace: b}", "rule 0: field 'match': bad element"),
    ("- {where: header, match: a, replace: '<uuid:n>'}", "rule 0: field 'replace': .*<kind:N>"),
    ("- {where: header, match: a, replace: b, service: sqs}", "rule 0: field 'service': 'sqs'"),
    ("- {where: header, match: a, replace: b, nmae: x}", "rule 0: field 'nmae': unknown field"),
    ("- {where: header, match: a, replace: b, name: [x]}", "rule 0: field 'name': must be a str"),
    ("- just a string", "rule 0: expected a mapping, got str"),
    ("where: header", "unknown top-level key\\(s\\): where"),
    ("rules: {where: header}", "expected a list of rules, got dict"),
    ("opaque_bodies: [PutObject]", "opaque_bodies: expected a mapping of request/response"),
    ("opaque_bodies: {request: PutObject}", "opaque_bodies.request: expected a list"),
    ("- {where: header, match: a, replace: [b", "not valid YAML at line 2, column 1: expected"),
]


@pytest.mark.parametrize(("text", "message"), MISTAKES)
def test_rules_file_mistakes_name_file_rule_and_field(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "bad-rules.yaml"
    path.write_text(text + "\n")
    with pytest.raises(RulesError, match=message) as info:
        load_rules_file(path)
    assert str(info.value).startswith(str(path) + ": ")


def test_missing_rules_file(tmp_path: Path) -> None:
    with pytest.raises(RulesError, match="nope.yaml: cannot read rules file"):
        load_rules_file(tmp_path / "nope.yaml")
