"""Name isolation: bucket, table and function names get a run suffix, mapped back before comparing.

Isolation lets several runs (and `--jobs`) share one target without seeing each other's
resources, and lets cleanup delete exactly what the run created. Requests are rewritten
precisely where AWS carries names (S3 path and copy source, DynamoDB TableName / RequestItems /
ARNs / PartiQL, Lambda path and FunctionName); responses are mapped back by replacing every
isolated name, which cannot collide because the suffix is random.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import quote, unquote

from awsrec.cassette import Interaction, Request, Response

SUFFIX_RE = re.compile(r"-ar[0-9a-f]{6}")
# Bucket names: 3-63 chars; table names up to 255; function names up to 64.
# https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
# https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html#lambda-CreateFunction-request-FunctionName
_MAX_LEN = {"s3": 63, "dynamodb": 255, "lambda": 64}
_PARTIQL_TABLE = re.compile(r'(?:FROM|INTO|UPDATE)\s+"?([A-Za-z0-9_.-]+)"?', re.IGNORECASE)
# A function in the path: /2015-03-31/functions/NAME|ARN/..., or a function ARN as the resource
# of the tagging API: /2017-03-31/tags/ARN (other ARNs there, e.g. event source mappings, are
# not functions). https://docs.aws.amazon.com/lambda/latest/api/API_TagResource.html
_LAMBDA_PATH = re.compile(r"^(/\d{4}-\d{2}-\d{2}/functions/)([^/]+)(.*)$")
_LAMBDA_TAGS_PATH = re.compile(r"^(/\d{4}-\d{2}-\d{2}/tags/)([^/]+)(.*)$")
_FUNCTION_ARN = re.compile(r"(:function:)([^:]+)")
_PAYLOAD_OPS = frozenset({"PutObject", "UploadPart"})


def new_suffix() -> str:
    return "-ar" + secrets.token_hex(3)


def _function_name(segment: str) -> str:
    """A Lambda function reference (name, partial or full ARN) down to its name."""
    text = unquote(segment)
    if ":function:" in text:
        text = text.split(":function:", 1)[1]
    return text.split(":", 1)[0]


def _lambda_path(path: str) -> re.Match[str] | None:
    """The path's function segment (group 2), when the path names a function."""
    match = _LAMBDA_PATH.match(path)
    if match is None:
        match = _LAMBDA_TAGS_PATH.match(path)
        if match is not None and ":function:" not in unquote(match.group(2)):
            return None
    return match


def _with_function(segment: str, name: str, isolated: str) -> str:
    """`segment` (a decoded name or ARN) naming `isolated` instead of `name`."""
    if ":function:" in segment:

        def swap(m: re.Match[str]) -> str:
            return m.group(1) + isolated if m.group(2) == name else m.group(0)

        return _FUNCTION_ARN.sub(swap, segment, count=1)
    return isolated + segment[len(name) :] if segment.startswith(name) else segment


def _table_names(body: object) -> Iterable[str]:
    if not isinstance(body, dict):
        return
    name = body.get("TableName")
    if isinstance(name, str) and "/" not in name:
        yield name
    for key in ("RequestItems",):
        if isinstance(body.get(key), dict):
            yield from (n for n in body[key] if "/" not in n)
    for item in body.get("TransactItems", []) or []:
        if isinstance(item, dict):
            for inner in item.values():
                yield from _table_names(inner)
    for key in ("Statement",):
        if isinstance(body.get(key), str):
            yield from _PARTIQL_TABLE.findall(body[key])
    for statement in body.get("Statements", []) or []:
        yield from _table_names(statement)
    arn = body.get("ResourceArn")
    if isinstance(arn, str) and ":table/" in arn:
        yield arn.split(":table/", 1)[1].split("/", 1)[0]


def names_in(interaction: Interaction) -> Iterable[tuple[str, str]]:
    """(service, name) of every isolatable resource the interaction's request names."""
    req = interaction.request
    if interaction.service == "s3":
        bucket = req.path.lstrip("/").split("/", 1)[0]
        if bucket:
            yield "s3", unquote(bucket)
    elif interaction.service == "dynamodb" and req.body:
        try:
            body = json.loads(req.body)
        except ValueError:
            return
        yield from (("dynamodb", n) for n in _table_names(body))
    elif interaction.service == "lambda":
        match = _lambda_path(req.path)
        if match:
            yield "lambda", _function_name(match.group(2))
        if interaction.operation == "CreateFunction" and req.body:
            try:
                name = json.loads(req.body).get("FunctionName")
            except (ValueError, AttributeError):
                name = None
            if isinstance(name, str):
                yield "lambda", _function_name(name)


@dataclass(slots=True)
class Isolation:
    """The run's name map: original -> isolated, per service."""

    suffix: str = field(default_factory=new_suffix)
    names: dict[tuple[str, str], str] = field(default_factory=dict)
    _back: list[tuple[bytes, bytes]] = field(default_factory=list)

    @classmethod
    def for_interactions(cls, interactions: Iterable[Interaction], suffix: str = "") -> Isolation:
        iso = cls(suffix or new_suffix())
        for interaction in interactions:
            for service, name in names_in(interaction):
                iso.add(service, name)
        return iso

    def add(self, service: str, name: str) -> str:
        key = (service, name)
        if key not in self.names:
            limit = _MAX_LEN.get(service, 63) - len(self.suffix)
            isolated = name[:limit] + self.suffix
            self.names[key] = isolated
            # Longest first, so "data-2" maps back before "data".
            self._back.append((isolated.encode(), name.encode()))
            self._back.sort(key=lambda p: -len(p[0]))
        return self.names[key]

    def isolated(self, service: str, name: str) -> str:
        return self.names.get((service, name), name)

    def of(self, service: str) -> list[str]:
        """The isolated names of `service` this run uses (and cleans up)."""
        return [v for (s, _), v in self.names.items() if s == service]

    def request(self, interaction: Interaction) -> Request:
        """The interaction's request with every resource name isolated."""
        req = interaction.request
        service = interaction.service
        if service == "s3":
            return self._s3_request(interaction.operation, req)
        pairs = [(n, v) for (s, n), v in self.names.items() if s == service]
        if not pairs:
            return req
        path, body = req.path, req.body
        if service == "lambda":
            match = _lambda_path(path)
            if match:
                fn = _function_name(match.group(2))
                segment = _with_function(unquote(match.group(2)), fn, self.isolated("lambda", fn))
                path = match.group(1) + quote(segment, safe=":") + match.group(3)
        body = _rewrite_body(body, service, pairs)
        return Request(req.method, path, list(req.query), list(req.headers), body)

    def _s3_request(self, operation: str, req: Request) -> Request:
        rest = req.path.lstrip("/")
        bucket, sep, key = rest.partition("/")
        path = req.path
        if bucket:
            path = "/" + quote(self.isolated("s3", unquote(bucket)), safe="") + sep + key
        headers = [
            (k, self._copy_source(v)) if k.lower() == "x-amz-copy-source" else (k, v)
            for k, v in req.headers
        ]
        body = req.body
        if operation not in _PAYLOAD_OPS and b"arn:aws:s3:::" in body:
            pairs = [(n, v) for (s, n), v in self.names.items() if s == "s3"]
            body = _rewrite_body(body, "s3", pairs)
        return Request(req.method, path, list(req.query), headers, body)

    def _copy_source(self, value: str) -> str:
        lead = "/" if value.startswith("/") else ""
        bucket, sep, rest = value.lstrip("/").partition("/")
        isolated = quote(self.isolated("s3", unquote(bucket)), safe="")
        return lead + isolated + sep + rest

    def response(self, response: Response, *, head: bool = False) -> Response:
        """The target's response with isolated names mapped back to the recorded ones."""
        body = response.body
        for isolated, original in self._back:
            if isolated in body:
                body = body.replace(isolated, original)
        headers = []
        for name, value in response.headers:
            for isolated, original in self._back:
                if isolated.decode() in value:
                    value = value.replace(isolated.decode(), original.decode())
            if body is not response.body and not head and name.lower() == "content-length":
                value = str(len(body))
            headers.append((name, value))
        return Response(response.status, headers, body)


# Where each service's request bodies carry a resource name: (prefix, suffix-lookahead) pairs.
_BODY_FORMS: dict[str, tuple[tuple[str, str, str], ...]] = {
    # a JSON string, a PartiQL quoted identifier inside a JSON string, an ARN
    "dynamodb": (
        ('(?<!\\\\)"', '"', '"'),
        ('\\\\"', '\\\\"', '\\"'),
        (":table/", "(?![A-Za-z0-9_.-])", ""),
    ),
    "lambda": (('"', '"', '"'), (":function:", "(?![A-Za-z0-9_-])", "")),
    "s3": (("arn:aws:s3:::", "(?![a-z0-9.-])", ""),),
}  # fmt: skip


def _rewrite_body(body: bytes, service: str, pairs: list[tuple[str, str]]) -> bytes:
    if not body:
        return body
    for original, isolated in pairs:
        for prefix, after, closing in _BODY_FORMS.get(service, ()):
            pattern = re.compile(f"({prefix}){re.escape(original)}{after}".encode())
            replacement = isolated.encode() + closing.encode()

            def swap(m: re.Match[bytes], r: bytes = replacement) -> bytes:
                return m.group(1) + r

            body = pattern.sub(swap, body)
    return body
