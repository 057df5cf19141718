"""Body parsing by protocol into comparable trees, and AWS error extraction from responses."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from xml.etree import ElementTree

from awsrec.aws.protocol import protocol_of
from awsrec.cassette import Response

# A comparable body: XML becomes nested dicts of tag -> list of children (document order kept;
# "@name" keys hold attributes), JSON stays JSON. Opaque bodies stay bytes.
Tree = dict[str, object] | list[object] | str | int | float | bool | None

# Payload operations: the body is the user's data, never a protocol document.
# https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html
OPAQUE_OPERATIONS = frozenset({("s3", "GetObject"), ("s3", "GetObjectTorrent")})

_NS = re.compile(r"^\{[^}]*\}")


@dataclass(frozen=True, slots=True)
class ParsedBody:
    """A body in the form it is compared in; `kind` is "empty", "xml", "json" or "bytes"."""

    kind: str
    tree: Tree
    raw: bytes
    namespace: str = ""


@dataclass(frozen=True, slots=True)
class ErrorInfo:
    """An AWS error as SDKs see it: code (`Code` / `__type` / x-amzn-ErrorType) and message."""

    code: str
    message: str


def _local(tag: str) -> str:
    return tag[tag.index("}") + 1 :] if tag[:1] == "{" else tag


def _xml_element(el: ElementTree.Element) -> Tree:
    # Hot path of every XML comparison: kept free of regexes and needless copies.
    attrib = el.attrib
    if not len(el) and not attrib:
        text = el.text
        return text.strip() if text else ""
    node: dict[str, object] = {}
    for name, value in attrib.items():
        node["@" + _local(name)] = [value]
    for child in el:
        tag = _local(child.tag)
        subtree = _xml_element(child)
        bucket = node.get(tag)
        if bucket is None:
            node[tag] = [subtree]
        else:
            bucket.append(subtree)  # type: ignore[attr-defined]
    text = (el.text or "").strip()
    if text:
        node["#text"] = [text]
    return node


def parse_xml(raw: bytes) -> tuple[Tree, str]:
    """XML as an ordered tree {root: [node]} plus the root's namespace; raises ValueError."""
    try:
        root = ElementTree.fromstring(raw)
    except ElementTree.ParseError as e:
        raise ValueError(str(e)) from e
    match = _NS.match(root.tag)
    ns = match.group(0)[1:-1] if match else ""
    return {_NS.sub("", root.tag): [_xml_element(root)]}, ns


def _looks_xml(raw: bytes) -> bool:
    return raw.lstrip()[:1] == b"<"


def _looks_json(raw: bytes) -> bool:
    return raw.lstrip()[:1] in (b"{", b"[")


def parse_body(service: str, operation: str, response: Response) -> ParsedBody:
    """Parse a body by the service's protocol; anything unparseable is opaque bytes."""
    raw = response.body
    if not raw:
        return ParsedBody("empty", None, raw)
    if (service, operation) in OPAQUE_OPERATIONS and response.status < 300:
        return ParsedBody("bytes", None, raw)
    protocol = protocol_of(service)
    if _looks_xml(raw) and (protocol in ("rest-xml", "query") or not _looks_json(raw)):
        try:
            tree, ns = parse_xml(raw)
        except ValueError:
            return ParsedBody("bytes", None, raw)
        return ParsedBody("xml", tree, raw, ns)
    if _looks_json(raw):
        try:
            return ParsedBody("json", json.loads(raw), raw)
        except ValueError:
            pass
    return ParsedBody("bytes", None, raw)


def _first_text(tree: Tree, *path: str) -> str | None:
    node: object = tree
    for step in path:
        if not isinstance(node, dict) or step not in node:
            return None
        node = node[step][0]
    return node if isinstance(node, str) else None


def error_info(service: str, response: Response, body: ParsedBody) -> ErrorInfo | None:
    """The AWS error a response carries, or None for a success (status < 300).

    Codes are read where SDKs read them: S3 `<Error><Code>`, DynamoDB `__type` after "#",
    Lambda's `x-amzn-ErrorType` header, STS `<ErrorResponse><Error><Code>`.
    https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
    https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html
    """
    if response.status < 300 or response.status == 304:
        return None
    code: str | None = None
    message: str | None = None
    header_type = response.header("x-amzn-ErrorType")
    if header_type:
        code = header_type.split(":", 1)[0]
    if body.kind == "xml":
        code = code or _first_text(body.tree, "Error", "Code")
        code = code or _first_text(body.tree, "ErrorResponse", "Error", "Code")
        message = _first_text(body.tree, "Error", "Message") or _first_text(
            body.tree, "ErrorResponse", "Error", "Message"
        )
    elif body.kind == "json" and isinstance(body.tree, dict):
        raw_type = body.tree.get("__type") or body.tree.get("code") or body.tree.get("Code")
        if not code and isinstance(raw_type, str):
            code = raw_type.rsplit("#", 1)[-1]
        raw_message = body.tree.get("message", body.tree.get("Message"))
        message = raw_message if isinstance(raw_message, str) else None
    # A HEAD error has no body: SDKs report the status itself as the code.
    return ErrorInfo(code or str(response.status), message or "")


def printable(raw: bytes, limit: int = 4000) -> str:
    """A body for reports: text as text (truncated), binary as size."""
    if not raw:
        return ""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return f"<{len(raw)} bytes of binary data>"
    return text if len(text) <= limit else text[:limit] + f"... <{len(text) - limit} more chars>"
