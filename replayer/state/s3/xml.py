"""S3's XML on the wire: escaping, timestamps, response documents and request-body parsing."""

from __future__ import annotations

import calendar
import email.utils
import re
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterable

from replayer.state.s3 import errors

NS = "http://s3.amazonaws.com/doc/2006-03-01/"
_DECL = '<?xml version="1.0" encoding="UTF-8"?>\n'
_SPECIAL = re.compile("[&<>\"'\r]")


def esc(text: str) -> str:
    """Escape text for an element body; S3 writes quotes in ETags as &quot;."""
    if _SPECIAL.search(text) is None:
        return text  # the common case, and the fast one
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace('"', "&quot;").replace("'", "&apos;").replace("\r", "&#13;")


def el(name: str, value: str | int | bool) -> str:
    if isinstance(value, bool):
        value = "true" if value else "false"
    return f"<{name}>{esc(str(value))}</{name}>"


def els(pairs: Iterable[tuple[str, str | int | bool | None]]) -> str:
    """Elements for the pairs whose value is not None, in order."""
    return "".join(el(k, v) for k, v in pairs if v is not None)


def document(root: str, inner: str) -> bytes:
    return f'{_DECL}<{root} xmlns="{NS}">{inner}</{root}>'.encode()


def iso8601(ts: float) -> str:
    """Timestamps in S3's XML have millisecond precision: 2009-10-12T17:50:30.000Z."""
    ms = int(round(ts * 1000)) % 1000
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(int(ts))) + f".{ms:03d}Z"


def http_date(ts: float) -> str:
    return email.utils.formatdate(int(ts), usegmt=True)


def parse_http_date(value: str | None) -> float | None:
    """RFC 7231 dates (and the obsolete forms); None when absent or unparseable."""
    if not value:
        return None
    try:
        parsed = email.utils.parsedate_tz(value)
    except (TypeError, ValueError):
        return None
    if parsed is None:
        return None
    return float(calendar.timegm(parsed[:9]) - (parsed[9] or 0))


def local(tag: str) -> str:
    """An element's name without its namespace."""
    return tag.rsplit("}", 1)[-1]


def parse(body: bytes) -> ET.Element:
    """Parse a request document; S3 answers MalformedXML for anything it cannot read."""
    try:
        return ET.fromstring(body)
    except ET.ParseError as e:
        raise errors.malformed_xml() from e


def child(node: ET.Element, name: str) -> ET.Element | None:
    for c in node:
        if local(c.tag) == name:
            return c
    return None


def children(node: ET.Element, name: str) -> list[ET.Element]:
    return [c for c in node if local(c.tag) == name]


def text(node: ET.Element, name: str) -> str | None:
    c = child(node, name)
    if c is None:
        return None
    return c.text or ""
