"""json-path selectors and a layout-preserving rewrite of JSON scalar values.

As with XML, the stored body keeps AWS's exact text (field order, spacing, number spelling
such as DynamoDB's `1.732E9`): the document is scanned for scalar spans and only matched
spans are replaced.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from json import decoder

from awsrec.normalize.splice import splice

# The stdlib's own string scanner (C-accelerated); typeshed does not declare it.
_scanstring: Callable[[str, int], tuple[str, int]] = decoder.scanstring  # type: ignore[attr-defined]

Path = tuple[str | int, ...]
# One scalar: its path, span in the text, decoded text value, and whether it was a string.
Scalar = tuple[Path, int, int, str, bool]

_STEP_RE = re.compile(
    r"(?P<desc>\.\.)(?P<dname>[A-Za-z_][\w-]*|\*)"
    r"|\.(?P<name>[A-Za-z_][\w-]*|\*)"
    r"|\[(?P<index>\d+|\*)\]"
    r"|\['(?P<quoted>[^']+)'\]"
)
_WS_RE = re.compile(r"[ \t\n\r]*")
_ATOM_RE = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null")

# A step is (kind, value): ("key", name) / ("any", "*") / ("index", n) / ("desc", name|"*").
Step = tuple[str, str | int]


@dataclass(frozen=True, slots=True)
class JsonPath:
    """`$.Table.TableId`, `$.Functions[*].LastModified`, `$..RequestId` (any depth)."""

    steps: tuple[Step, ...]

    @classmethod
    def parse(cls, text: str) -> JsonPath:
        """Compile a selector; ValueError says what is wrong with it."""
        if not text.startswith("$"):
            raise ValueError(f"json-path {text!r} must start with '$'")
        steps: list[Step] = []
        pos = 1
        while pos < len(text):
            m = _STEP_RE.match(text, pos)
            if m is None:
                raise ValueError(f"bad json-path {text!r} at offset {pos}: {text[pos:]!r}")
            steps.append(_step(m))
            pos = m.end()
        if not steps:
            raise ValueError("json-path '$' selects the whole document, not a value")
        return cls(tuple(steps))

    def matches(self, path: Path) -> bool:
        """Whether the scalar at `path` is selected."""
        return _match(self.steps, path)


def _step(m: re.Match[str]) -> Step:
    if m.group("desc"):
        return ("desc", m.group("dname"))
    if m.group("name") is not None:
        name = m.group("name")
        return ("any", "*") if name == "*" else ("key", name)
    if m.group("index") is not None:
        index = m.group("index")
        return ("any", "*") if index == "*" else ("index", int(index))
    return ("key", m.group("quoted"))


def _match(steps: tuple[Step, ...], path: Path) -> bool:
    if not steps:
        return not path
    kind, value = steps[0]
    if kind == "desc":
        # `..name` matches `name` at this level or any deeper one.
        return any(
            (value == "*" or path[i] == value) and _match(steps[1:], path[i + 1 :])
            for i in range(len(path))
        )
    if not path:
        return False
    head = path[0]
    ok = (
        kind == "any"
        or (kind == "key" and head == value)
        or (kind == "index" and isinstance(head, int) and head == value)
    )
    return ok and _match(steps[1:], path[1:])


def looks_like_json(text: str) -> bool:
    """A cheap test that a body is a JSON document."""
    return text.lstrip("\ufeff \t\r\n")[:1] in ("{", "[")


def json_scalars(text: str) -> list[Scalar]:
    """Every scalar of a JSON document; empty when it is not JSON (never raises)."""
    out: list[Scalar] = []
    try:
        end = _scan(text, 0, (), out)
    except (ValueError, IndexError, RecursionError):
        return []
    return out if not text[end:].strip() else []


def _ws(text: str, pos: int) -> int:
    m = _WS_RE.match(text, pos)
    return m.end() if m else pos


def _scan(text: str, pos: int, path: Path, out: list[Scalar]) -> int:
    pos = _ws(text, pos)
    c = text[pos]
    if c in "{[":
        return _scan_container(text, pos, path, out)
    if c == '"':
        value, end = _scanstring(text, pos + 1)
        out.append((path, pos, end, value, True))
        return end
    m = _ATOM_RE.match(text, pos)
    if m is None:
        raise ValueError(f"not JSON at offset {pos}")
    out.append((path, pos, m.end(), m.group(), False))
    return m.end()


def _scan_container(text: str, pos: int, path: Path, out: list[Scalar]) -> int:
    is_object = text[pos] == "{"
    closer = "}" if is_object else "]"
    pos = _ws(text, pos + 1)
    if text[pos] == closer:
        return pos + 1
    index = 0
    while True:
        pos = _ws(text, pos)
        key: str | int = index
        if is_object:
            if text[pos] != '"':
                raise ValueError(f"expected a key at offset {pos}")
            key, pos = _scanstring(text, pos + 1)
            pos = _ws(text, pos)
            if text[pos] != ":":
                raise ValueError(f"expected ':' at offset {pos}")
            pos += 1
        pos = _ws(text, _scan(text, pos, (*path, key), out))
        index += 1
        if text[pos] == ",":
            pos += 1
        elif text[pos] == closer:
            return pos + 1
        else:
            raise ValueError(f"expected ',' or {closer!r} at offset {pos}")


def _last_name(selector: JsonPath) -> str:
    kind, value = selector.steps[-1]
    return value if kind in ("key", "desc") and isinstance(value, str) else "*"


def _index(rules: list[tuple[JsonPath, str]]) -> dict[str, list[tuple[JsonPath, str]]]:
    """Rules by the key they end on, keeping rule order; "*" holds the others."""
    index: dict[str, list[tuple[JsonPath, str]]] = {
        "*": [r for r in rules if _last_name(r[0]) == "*"]
    }
    for rule in rules:
        name = _last_name(rule[0])
        if name not in index:
            index[name] = [r for r in rules if _last_name(r[0]) in (name, "*")]
    return index


def rewrite_json(
    text: str, rules: list[tuple[JsonPath, str]], apply: Callable[[str, str], str]
) -> str:
    """Replace each selected string/number with `apply(template, value)` as a JSON string.

    The first rule that selects a scalar wins; `true`, `false` and `null` are left alone.
    """
    if not rules:
        return text
    return splice(text, _edits(text, _index(rules), apply))


def _edits(
    text: str, index: dict[str, list[tuple[JsonPath, str]]], apply: Callable[[str, str], str]
) -> Iterator[tuple[int, int, str]]:
    for path, start, end, value, is_string in json_scalars(text):
        if value in ("true", "false", "null") and not is_string:
            continue
        key = path[-1] if path and isinstance(path[-1], str) else "*"
        for selector, template in index.get(key, index["*"]):
            if selector.matches(path):
                new = apply(template, value)
                if new != value:
                    yield start, end, json.dumps(new, ensure_ascii=False)
                break
