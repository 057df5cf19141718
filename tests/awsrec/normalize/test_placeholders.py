from __future__ import annotations

import pytest

from awsrec.normalize import PLACEHOLDER_RE, PlaceholderTable
from awsrec.normalize.placeholders import timestamp_format


def test_same_original_same_placeholder_and_numbering_per_kind() -> None:
    t = PlaceholderTable()
    assert t.get("request-id", "AAA") == "<request-id:1>"
    assert t.get("request-id", "BBB") == "<request-id:2>"
    assert t.get("request-id", "AAA") == "<request-id:1>"
    assert t.get("uuid", "AAA") == "<uuid:1>"  # kinds are numbered separately
    assert t.get("account", "123456789012") == "000000000000"
    assert t.get("account", "210987654321") == "000000000001"
    assert t.get("date", "Thu, 21 Nov 2024 08:32:24 GMT") == "<date>"
    assert t.get("redacted", "secret") == "<redacted>"


def test_to_dict_holds_kinds_never_originals() -> None:
    t = PlaceholderTable()
    t.get("request-id", "4442587FB7D0A2F9")
    t.get("account", "123456789012")
    t.get("timestamp", "2024-11-21T08:32:24.000Z")
    d = t.to_dict()
    assert d == {
        "<request-id:1>": "request-id",
        "000000000000": "account",
        "<timestamp:iso8601-ms>": "timestamp",
    }
    assert "4442587FB7D0A2F9" not in repr(d)
    assert "123456789012" not in repr(d)


def test_from_dict_continues_numbering() -> None:
    t = PlaceholderTable()
    for rid in ("a", "b", "c"):
        t.get("request-id", rid)
    t.get("account", "123456789012")
    again = PlaceholderTable.from_dict(t.to_dict())
    assert again.get("request-id", "z") == "<request-id:4>"
    assert again.get("account", "999999999999") == "000000000001"
    assert again.kind_of("<request-id:2>") == "request-id"


@pytest.mark.parametrize(
    ("value", "fmt"),
    [
        ("Thu, 21 Nov 2024 08:32:24 GMT", "http"),
        ("20241121T083224Z", "iso8601-basic"),
        ("2024-11-21T08:32:24Z", "iso8601"),
        ("2024-11-21T08:32:24.000Z", "iso8601-ms"),
        ("2024-11-21T08:32:24.123+0000", "iso8601-offset-ms"),
        ("1732177944", "epoch"),
        ("1732177944.123", "epoch-frac"),
        ("1.732177944123E9", "epoch-frac"),
        ("yesterday", "other"),
    ],
)
def test_timestamp_placeholder_keeps_the_format(value: str, fmt: str) -> None:
    assert timestamp_format(value) == fmt
    assert PlaceholderTable().get("timestamp", value) == f"<timestamp:{fmt}>"


def test_placeholder_regex_finds_raw_and_xml_escaped() -> None:
    text = "<RequestId>&lt;request-id:3&gt;</RequestId> and <date>"
    assert [m.groups() for m in PLACEHOLDER_RE.finditer(text)] == [
        ("request-id", "3"),
        ("date", None),
    ]
