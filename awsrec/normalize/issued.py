"""Secrets a response hands out (temporary credentials, new keys), found by the common rules."""

from __future__ import annotations

from functools import cache

from awsrec.normalize.jsonpath import JsonPath, json_scalars, looks_like_json
from awsrec.normalize.placeholders import REDACTED
from awsrec.normalize.rules import common_rules
from awsrec.normalize.xmlpath import XmlPath, looks_like_xml, xml_leaves


@cache
def _selectors() -> tuple[tuple[XmlPath, ...], tuple[JsonPath, ...], tuple[bytes, ...]]:
    """The common rules' `<redacted>` body selectors, and the member names they end on.

    The rules stay the one list (common.yaml): what they redact is what is a secret.
    """
    redacting = [r for r in common_rules().rules if r.replace == REDACTED]
    xml = tuple(XmlPath.parse(r.match) for r in redacting if r.where == "xml-path")
    json = tuple(JsonPath.parse(r.match) for r in redacting if r.where == "json-path")
    names = {p.segments[-1] for p in xml} | {str(p.steps[-1][1]) for p in json}
    # A wildcard last step could select any member: then no body can be skipped unread.
    return xml, json, () if "*" in names else tuple(n.encode() for n in sorted(names))


def issued_secrets(body: bytes) -> list[tuple[str, str]]:
    """(value, member name) of every value the common redaction rules select in `body`.

    For the recorder: these values (an AssumeRole's SecretAccessKey and SessionToken...) are
    canaries for the rest of the recording, so a copy of one anywhere else fails the write.
    A body naming none of the members is not parsed (most bodies, at the cost of a few scans).
    """
    xml, json, names = _selectors()
    if not body or (names and not any(name in body for name in names)):
        return []
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return []
    if looks_like_xml(text):
        return [
            (value, stack[-1])
            for stack, value in xml_leaves(text)
            if any(p.matches(stack) for p in xml)
        ]
    if looks_like_json(text):
        return [
            (value, str(path[-1]))
            for path, _start, _end, value, is_string in json_scalars(text)
            if is_string and any(p.matches(path) for p in json)
        ]
    return []
