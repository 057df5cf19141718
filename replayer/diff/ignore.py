"""`--ignore PATH`: header names and XML/JSON body paths whose differences are not reported.

Forms: `header:NAME` (case-insensitive), `body:PATH`, `xml:PATH`, `json:PATH` or a bare PATH.
PATH is dotted (`Table.TableArn`); XPath-like `/ListBucketResult/Owner` and JSONPath-like
`$.Table.TableArn` are accepted; `*` matches any run of characters; list indices never appear
in patterns; a pattern also covers everything below it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fnmatch import fnmatchcase

from awsrec.errors import UsageError

_INDEX = re.compile(r"\[\d+\]")


def _body_pattern(text: str) -> str:
    text = text.strip()
    if text.startswith("$"):
        text = text[1:]
    text = text.replace("/", ".").strip(".")
    if not text:
        raise UsageError("--ignore needs a path after the prefix, e.g. body:Table.TableArn")
    return text


@dataclass(frozen=True, slots=True)
class Ignore:
    """Parsed --ignore options."""

    headers: frozenset[str] = frozenset()
    body: tuple[str, ...] = ()
    _cache: dict[str, bool] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def parse(cls, specs: tuple[str, ...] | list[str]) -> Ignore:
        headers: set[str] = set()
        body: list[str] = []
        for spec in specs:
            prefix, sep, rest = spec.partition(":")
            if sep and prefix.lower() == "header":
                if not rest.strip():
                    raise UsageError("--ignore header: needs a header name, e.g. header:ETag")
                headers.add(rest.strip().lower())
            elif sep and prefix.lower() in ("body", "xml", "json"):
                body.append(_body_pattern(rest))
            else:
                body.append(_body_pattern(spec))
        return cls(frozenset(headers), tuple(body))

    def header(self, name: str) -> bool:
        return name.lower() in self.headers

    def where(self, where: str) -> bool:
        """Whether the difference at `where` ("header:X", "body:A.B[0].C") is ignored."""
        if where.startswith("header:"):
            return self.header(where[7:])
        if not where.startswith("body:") or not self.body:
            return False
        cached = self._cache.get(where)
        if cached is None:
            path = _INDEX.sub("", where[5:])
            cached = any(fnmatchcase(path, p) or fnmatchcase(path, p + ".*") for p in self.body)
            self._cache[where] = cached
        return cached


NOTHING = Ignore()
