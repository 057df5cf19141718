"""`awsrec show`: a cassette as readable, deterministic YAML or JSON; also a git textconv driver."""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO
from xml.dom import minidom
from xml.parsers.expat import ExpatError

import yaml

from awsrec.cassette import CassetteHeader, Interaction, Pairs
from awsrec.cassette_io import iter_cassette
from awsrec.errors import UsageError

FORMATS = ("yaml", "json")

# One JSON token: a string (escapes kept as written), a punctuation mark, or a bare literal.
_JSON_TOKEN = re.compile(r'\s*("(?:[^"\\]|\\.)*"|[{}\[\],:]|[^\s{}\[\],:"]+)')
_XML_DECLARATION = re.compile(r"\s*(<\?xml[^>]*\?>)")
# Text that is printable as is: no control characters but tab, newline and carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def binary_view(body: bytes) -> str:
    """How a body that is not text is shown: its size and hash, so changes still show."""
    return f"<binary {len(body)} bytes sha256={hashlib.sha256(body).hexdigest()}>"


def _no_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        raise ValueError("duplicate key")
    return dict(pairs)


def pretty_json(text: str) -> str | None:
    """JSON re-indented token by token, so numbers, escapes and key order stay as written."""
    try:
        json.loads(text, object_pairs_hook=_no_duplicates)
    except ValueError:
        return None
    out: list[str] = []
    depth, prev = 0, ""
    for tok in _JSON_TOKEN.findall(text):
        if tok in ("}", "]"):
            depth -= 1
            out.append(tok if prev in ("{", "[") else "\n" + "  " * depth + tok)
        elif tok == ",":
            out.append(",\n" + "  " * depth)
        elif tok == ":":
            out.append(": ")
        else:
            if prev in ("{", "["):
                out.append("\n" + "  " * depth)
            out.append(tok)
            depth += tok in ("{", "[")
        prev = tok
    return "".join(out)


def _strip_blank_text(node: minidom.Element) -> None:
    # Whitespace between elements would be doubled by toprettyxml; layout is ours to choose.
    for child in list(node.childNodes):
        if type(child) is minidom.Text and not child.data.strip():
            node.removeChild(child)
        elif isinstance(child, minidom.Element):
            _strip_blank_text(child)


def pretty_xml(text: str) -> str | None:
    """XML indented by element, keeping the original declaration line; None if not XML."""
    try:
        doc = minidom.parseString(text.encode())
    except (ExpatError, ValueError):
        return None
    root = doc.documentElement
    if root is None:
        return None
    _strip_blank_text(root)
    body = root.toprettyxml(indent="  ").rstrip("\n")
    declaration = _XML_DECLARATION.match(text)
    return f"{declaration.group(1)}\n{body}" if declaration else body


def body_view(body: bytes, content_type: str | None) -> str:
    """A body for reading: JSON and XML pretty-printed, text as is, anything else as a hash."""
    if not body:
        return ""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return binary_view(body)
    if _CONTROL.search(text):
        return binary_view(body)
    kind = (content_type or "").lower()
    start = text.lstrip()[:1]
    if "json" in kind or start in ("{", "["):
        return pretty_json(text) or text
    if "xml" in kind or ("html" not in kind and start == "<"):
        return pretty_xml(text) or text
    return text


def _pairs_view(pairs: Pairs) -> list[dict[str, str]]:
    # A list of one-entry maps keeps wire order and repeated names, and reads as "Name: value".
    return [{name: value} for name, value in pairs]


def header_view(header: CassetteHeader) -> dict[str, object]:
    """The header as plain data, in the file's field order."""
    return {
        "format": header.format,
        "awsrec_version": header.awsrec_version,
        "recorded_at": header.recorded_at,
        "upstream": header.upstream,
        "region": header.region,
        "placeholders": dict(header.placeholders),
        "rule_sets": dict(header.rule_sets),
    }


def interaction_view(i: Interaction) -> dict[str, object]:
    """One interaction as plain data, bodies rendered for reading."""
    req, resp = i.request, i.response
    return {
        "seq": i.seq,
        "service": i.service,
        "operation": i.operation,
        "request": {
            "method": req.method,
            "path": req.path,
            "query": _pairs_view(req.query),
            "headers": _pairs_view(req.headers),
            "body": body_view(req.body, req.header("content-type")),
        },
        "response": {
            "status": resp.status,
            "headers": _pairs_view(resp.headers),
            "body": body_view(resp.body, resp.header("content-type")),
        },
        "elapsed_ms": i.elapsed_ms,
        "placeholders": list(i.placeholders),
        "flags": dict(i.flags),
    }


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Safe YAML with multi-line strings as literal blocks, so bodies read like files."""


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _represent_str)


def _yaml(data: object) -> str:
    return yaml.dump(
        data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1 << 30, indent=2
    )


def _json_default(value: object) -> str:
    if isinstance(value, bytes):
        return binary_view(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _json(data: object, indent: int) -> str:
    text = json.dumps(data, indent=2, ensure_ascii=False, default=_json_default)
    return text.replace("\n", "\n" + " " * indent)


def _render(header: CassetteHeader, interactions: Iterator[Interaction], fmt: str) -> Iterator[str]:
    if fmt == "yaml":
        yield _yaml({"header": header_view(header)})
        first = next(interactions, None)
        if first is None:
            yield "interactions: []\n"
            return
        yield "interactions:\n"
        for i in _chain(first, interactions):
            yield _yaml([interaction_view(i)])
        return
    yield '{\n  "header": ' + _json(header_view(header), 2) + ',\n  "interactions": ['
    for n, i in enumerate(interactions):
        yield ("," if n else "") + "\n    " + _json(interaction_view(i), 4)
    yield "\n  ]\n}\n"


def _chain(first: Interaction, rest: Iterator[Interaction]) -> Iterator[Interaction]:
    yield first
    yield from rest


def show(path: Path, out: TextIO, fmt: str = "yaml") -> None:
    """Write the readable view of the cassette at `path` to `out`, streaming."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r} (choose from: {', '.join(FORMATS)})")
    header, interactions = iter_cassette(path)
    for chunk in _render(header, interactions, fmt):
        out.write(chunk)


def show_to_stdout(path: Path, fmt: str = "yaml") -> None:
    """`awsrec show`: the view on stdout in UTF-8, warnings as one stderr line each."""
    stdout = sys.stdout.fileno()
    try:
        with (
            warnings.catch_warnings(record=True) as caught,
            # UTF-8 whatever the locale: git textconv and pagers get the text the file holds.
            open(stdout, "w", encoding="utf-8", newline="\n", closefd=False) as out,
        ):
            warnings.simplefilter("always")
            show(path, out, fmt)
    except BrokenPipeError:
        # The reader (a pager, `head`) went away: stop quietly, as cat does.
        os.dup2(os.open(os.devnull, os.O_WRONLY), stdout)
    for warning in caught:
        print(f"awsrec: warning: {warning.message}", file=sys.stderr)
