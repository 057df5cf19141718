"""xml-path selectors and a layout-preserving rewrite of XML leaf text.

The stored body must keep AWS's exact layout (declaration, namespaces, element order and
whitespace), because the replayer renders responses from it; so XML is never parsed into a
tree and re-serialised here: tags are scanned and only the text of matched leaves changes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from xml.sax.saxutils import escape, unescape

from awsrec.normalize.splice import splice

_SEGMENT_RE = re.compile(r"[A-Za-z_][\w.-]*|\*")
_TOKEN_RE = re.compile(
    r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<[?!][^>]*>"
    r"|<(?P<close>/)?(?P<name>[A-Za-z_][\w.:-]*)(?:\s[^>]*?)?(?P<empty>/)?>",
    re.S,
)
_ENTITIES = {"&quot;": '"', "&apos;": "'"}


@dataclass(frozen=True, slots=True)
class XmlPath:
    """`/Error/RequestId` (from the root), `//RequestId` or `Contents/LastModified` (anywhere)."""

    segments: tuple[str, ...]
    absolute: bool

    @classmethod
    def parse(cls, text: str) -> XmlPath:
        """Compile a selector; ValueError says what is wrong with it."""
        absolute = text.startswith("/") and not text.startswith("//")
        body = text.lstrip("/")
        segments = tuple(body.split("/")) if body else ()
        if not segments:
            raise ValueError("empty xml-path")
        for seg in segments:
            if not _SEGMENT_RE.fullmatch(seg):
                raise ValueError(f"bad element name {seg!r} in xml-path {text!r}")
        return cls(segments, absolute)

    def matches(self, stack: tuple[str, ...]) -> bool:
        """Whether the element at `stack` (root first, local names) is selected."""
        n = len(self.segments)
        if len(stack) < n or (self.absolute and len(stack) != n):
            return False
        tail = stack[-n:]
        return all(s in ("*", t) for s, t in zip(self.segments, tail, strict=True))


def looks_like_xml(text: str) -> bool:
    """A cheap test that a body is an XML document."""
    return text.lstrip("\ufeff \t\r\n").startswith("<")


def _leaves(text: str) -> Iterator[tuple[tuple[str, ...], int, int]]:
    """(element stack, text start, text end) of every leaf element, in document order."""
    stack: list[str] = []
    open_at = -1  # text start of the innermost element while it has had no child yet
    for m in _TOKEN_RE.finditer(text):
        name = m.group("name")
        if name is None:
            open_at = -1  # comment / CDATA / PI: such a leaf is left alone
            continue
        local = name.rsplit(":", 1)[-1]
        if m.group("close"):
            if open_at >= 0 and stack and stack[-1] == local:
                yield tuple(stack), open_at, m.start()
            if stack:
                stack.pop()
            open_at = -1
        elif m.group("empty"):
            open_at = -1
        else:
            stack.append(local)
            open_at = m.end()


def xml_leaves(text: str) -> list[tuple[tuple[str, ...], str]]:
    """(element stack, unescaped text) of every leaf, for noise learning."""
    return [(s, unescape(text[a:b], _ENTITIES)) for s, a, b in _leaves(text)]


def _index(rules: list[tuple[XmlPath, str]]) -> dict[str, list[tuple[XmlPath, str]]]:
    """Rules by the element name they end on, keeping rule order; "*" holds the wildcards.

    A leaf is then tested only against rules that can select it (S3 listings have thousands).
    """
    wild = [r for r in rules if r[0].segments[-1] == "*"]
    index: dict[str, list[tuple[XmlPath, str]]] = {"*": wild}
    for rule in rules:
        name = rule[0].segments[-1]
        if name != "*" and name not in index:
            index[name] = [r for r in rules if r[0].segments[-1] in (name, "*")]
    return index


def rewrite_xml(
    text: str, rules: list[tuple[XmlPath, str]], apply: Callable[[str, str], str]
) -> str:
    """Replace the text of each leaf selected by a rule with `apply(template, value)`.

    The first rule that selects a leaf wins. Values are unescaped before and escaped after,
    so a placeholder is stored XML-escaped (`&lt;request-id:1&gt;`) and the body stays
    well-formed.
    """
    if not rules:
        return text
    return splice(text, _edits(text, _index(rules), apply))


def _edits(
    text: str, index: dict[str, list[tuple[XmlPath, str]]], apply: Callable[[str, str], str]
) -> Iterator[tuple[int, int, str]]:
    for stack, start, end in _leaves(text):
        for path, template in index.get(stack[-1], index["*"]):
            if path.matches(stack):
                value = unescape(text[start:end], _ENTITIES)
                new = apply(template, value)
                if new != value:
                    yield start, end, escape(new)
                break
