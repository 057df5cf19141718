"""Body layout from recordings: JSON key order and XML element order as AWS wrote them."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from typing import Any

_NS = re.compile(r"^\{[^}]*\}")
_ROOT_START = re.compile(rb"<(?![?!])")


def reorder_json(model: Any, recorded: Any) -> Any:
    """`model`'s values with dict keys in `recorded`'s order (unknown keys after, in order)."""
    if isinstance(model, dict) and isinstance(recorded, dict):
        keys = [k for k in recorded if k in model] + [k for k in model if k not in recorded]
        return {k: reorder_json(model[k], recorded.get(k)) for k in keys}
    if isinstance(model, list) and isinstance(recorded, list) and recorded:
        return [reorder_json(item, recorded[0]) for item in model]
    return model


def json_body(model_body: bytes, recorded: Any, message: str | None = None) -> bytes:
    """Re-serialise a JSON body in the recorded key order, optionally with AWS's wording."""
    try:
        doc = json.loads(model_body)
    except ValueError:
        return model_body
    if message is not None and isinstance(doc, dict):
        for key in ("message", "Message"):
            if key in doc:
                doc[key] = message
    ordered = reorder_json(doc, recorded)
    if message is None and json.dumps(ordered) == json.dumps(doc):
        return model_body  # already in AWS's order: keep the model's bytes
    return json.dumps(ordered, separators=(",", ":"), ensure_ascii=False).encode()


def _local(tag: str) -> str:
    return _NS.sub("", tag)


def _reorder(model: ET.Element, recorded: ET.Element | None) -> bool:
    """Reorder `model`'s children like `recorded`'s, recursively; True if anything moved."""
    if recorded is None:
        return False
    order: dict[str, int] = {}
    firsts: dict[str, ET.Element] = {}
    for child in recorded:
        name = _local(child.tag)
        order.setdefault(name, len(order))
        firsts.setdefault(name, child)
    children = list(model)
    ranked = sorted(children, key=lambda c: order.get(_local(c.tag), len(order)))
    moved = ranked != children
    if moved:
        for child in children:
            model.remove(child)
        model.extend(ranked)
    for child in ranked:
        moved = _reorder(child, firsts.get(_local(child.tag))) or moved
    return moved


def _strip_ns(root: ET.Element) -> str | None:
    ns = root.tag[1:].split("}", 1)[0] if root.tag.startswith("{") else None
    for el in root.iter():
        el.tag = _local(el.tag)
    return ns


def xml_body(model_body: bytes, recorded_body: bytes, message: str | None = None) -> bytes:
    """Re-serialise an XML body in the recorded element order, optionally with AWS's wording."""
    try:
        model = ET.fromstring(model_body)
    except ET.ParseError:
        return model_body
    try:
        recorded: ET.Element | None = ET.fromstring(recorded_body)
    except ET.ParseError:
        recorded = None  # no layout to follow; the wording may still apply
    moved = _reorder(model, recorded)
    worded = False
    if message is not None:
        el = next((e for e in model.iter() if _local(e.tag) == "Message"), None)
        if el is not None and el.text != message:
            el.text = message
            worded = True
    if not (moved or worded):
        return model_body  # already in AWS's order: keep the model's bytes
    ns = _strip_ns(model)
    if ns is not None:
        model.set("xmlns", ns)
    text = ET.tostring(model, encoding="unicode", short_empty_elements=False).encode()
    return _prolog(recorded_body) + text


def _prolog(body: bytes) -> bytes:
    """What precedes the root element (the XML declaration and its newline), as recorded."""
    m = _ROOT_START.search(body)
    return body[: m.start()] if m else b""


def recorded_message(body: bytes) -> str | None:
    """The error message in a recorded error body (XML <Message> or JSON message)."""
    stripped = body.lstrip()
    if stripped[:1] == b"{":
        try:
            doc = json.loads(body)
        except ValueError:
            return None
        if isinstance(doc, dict):
            value = doc.get("message", doc.get("Message"))
            return str(value) if value is not None else None
        return None
    m = re.search(rb"<Message>(.*?)</Message>", body, re.S)
    if m is None:
        return None
    from xml.sax.saxutils import unescape

    return unescape(m.group(1).decode("utf-8", "replace"))
