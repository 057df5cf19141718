"""Typed placeholders and the per-cassette table mapping volatile values to them."""

from __future__ import annotations

import re
from collections.abc import Mapping

# A rule's `<kind:N>` is numbered: the n-th distinct original of that kind in a cassette
# becomes `<kind:n>`, so "the same request id twice" stays visible after normalisation.
# A rule's `<kind>` is a constant, e.g. `<date>`, `<redacted>`, `<crc32>`.
# `timestamp` is a constant whose suffix names the original's format (`<timestamp:iso8601-ms>`),
# so a diff still sees an emulator answering in another format than AWS.
# `account` keeps the 12-digit shape: the n-th distinct account becomes 000000000000 + (n - 1).
# For readers of a cassette (replayer, diff):
# - in XML bodies placeholders are stored XML-escaped (`&lt;request-id:1&gt;`), so the body
#   stays well-formed; in headers and JSON they are raw;
# - a JSON number that was a timestamp (DynamoDB's epoch seconds) becomes a JSON *string*;
# - `<crc32>` (DynamoDB's x-amz-crc32) must be recomputed over the body actually served;
# - Content-Length, Content-MD5 and x-amz-checksum-* are already recomputed over the stored body.
TEMPLATE_RE = re.compile(r"<([a-z][a-z0-9-]*)(?::N)?>")
# Any placeholder as it appears in a stored cassette, raw (headers, JSON) or XML-escaped.
PLACEHOLDER_RE = re.compile(r"(?:<|&lt;)([a-z][a-z0-9-]*)(?::([a-z0-9-]+))?(?:>|&gt;)")
REDACTED = "<redacted>"

_ISO_RE = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2})?(?P<frac>\.\d+)?(?P<zone>Z|[+-]\d{2}:?\d{2})?"
)
_HTTP_DATE_RE = re.compile(r"[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT")
_ISO_BASIC_RE = re.compile(r"\d{8}T\d{6}Z")
_EPOCH_RE = re.compile(r"\d{9,10}(?P<frac>\.\d+)?(?:[eE][+-]?\d+)?|\d\.\d+[eE]\+?9")


def timestamp_format(value: str) -> str:
    """Name the format of a timestamp, so the placeholder keeps it recognisable."""
    value = value.strip().strip('"')
    if _HTTP_DATE_RE.fullmatch(value):
        return "http"  # RFC 7231 IMF-fixdate, as in Last-Modified
    if _ISO_BASIC_RE.fullmatch(value):
        return "iso8601-basic"  # as in X-Amz-Date
    if m := _ISO_RE.fullmatch(value):
        name = "iso8601"
        if m.group("zone") and m.group("zone") != "Z":
            name += "-offset"  # e.g. Lambda's 2024-11-21T08:32:24.123+0000
        return name + ("-ms" if m.group("frac") else "")
    if m := _EPOCH_RE.fullmatch(value):
        return "epoch-frac" if (m.group("frac") or "e" in value.lower()) else "epoch"
    return "other"


class PlaceholderTable:
    """Maps volatile originals to placeholders, stably within one cassette.

    Only `placeholder -> kind` is ever serialised (`to_dict`); the originals stay in memory, so
    a cassette never carries a request id, account id or upload id of the recording.
    """

    def __init__(self) -> None:
        self._by_original: dict[tuple[str, str], str] = {}
        self._kinds: dict[str, str] = {}
        self._counters: dict[str, int] = {}

    def get(self, kind: str, original: str, numbered: bool | None = None) -> str:
        """The placeholder for `original` of `kind`; the same original gives the same one.

        `numbered` defaults to "unless the kind is a constant one" (date, timestamp, ...).
        """
        key = (kind, original)
        found = self._by_original.get(key)
        if found is not None:
            return found
        if numbered is None:
            numbered = kind not in CONSTANT_KINDS
        placeholder = self._make(kind, original, numbered)
        self._by_original[key] = placeholder
        self._kinds[placeholder] = kind
        return placeholder

    def _make(self, kind: str, original: str, numbered: bool) -> str:
        if kind == "timestamp":
            return f"<timestamp:{timestamp_format(original)}>"
        if numbered or kind == "account":
            n = self._counters.get(kind, 0) + 1
            self._counters[kind] = n
            return f"{n - 1:012d}" if kind == "account" else f"<{kind}:{n}>"
        return f"<{kind}>"

    def kind_of(self, placeholder: str) -> str | None:
        """The kind of a placeholder this table handed out, if any."""
        return self._kinds.get(placeholder)

    def to_dict(self) -> dict[str, str]:
        """`placeholder -> kind` for the cassette header (never the original values)."""
        return dict(self._kinds)

    @classmethod
    def from_dict(cls, data: Mapping[str, str]) -> PlaceholderTable:
        """A table that continues numbering after the placeholders a cassette already uses.

        The originals are not stored, so a value seen again after reloading gets a new number.
        """
        table = cls()
        for placeholder, kind in data.items():
            table._kinds[placeholder] = kind
            n = _number_of(kind, placeholder)
            if n is not None:
                table._counters[kind] = max(table._counters.get(kind, 0), n)
        return table


# Kinds whose placeholder is one constant by default (a rule may still ask for `<kind:N>`).
CONSTANT_KINDS = frozenset({"date", "timestamp", "redacted", "crc32", "presigned-url"})


def _number_of(kind: str, placeholder: str) -> int | None:
    if kind == "account" and placeholder.isdigit():
        return int(placeholder) + 1
    m = re.fullmatch(r"<[a-z0-9-]+:(\d+)>", placeholder)
    return int(m.group(1)) if m else None


ACCOUNT_IN_VALUE_RE = re.compile(r"(?<=:)\d{12}(?=:)|^\d{12}$")


def _is_normalised_account(account: str) -> bool:
    # Placeholder accounts count up from 000000000000; no real account id starts with 9 zeros.
    return account.startswith("000000000")


def render(template: str, original: str, table: PlaceholderTable, used: list[str]) -> str:
    """Apply a rule's `replace` template to one located value.

    `<kind:N>` and `<kind>` go through the table; `<account>` rewrites each 12-digit account
    inside the value (the account field of ARNs, or a bare account id) and keeps the rest;
    anything else is a literal replacement. Placeholders handed out are appended to `used`.
    """
    m = TEMPLATE_RE.fullmatch(template)
    if m is None:
        return template
    kind = m.group(1)

    numbered = template.endswith(":N>")

    def get(value: str) -> str:
        placeholder = table.get(kind, value, numbered)
        used.append(placeholder)
        return placeholder

    if kind == "account":
        return ACCOUNT_IN_VALUE_RE.sub(
            lambda a: a.group(0) if _is_normalised_account(a.group(0)) else get(a.group(0)),
            original,
        )
    return get(original)
