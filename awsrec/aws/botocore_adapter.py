"""The one place that touches botocore: its model files, serializers, parsers and signers."""

from __future__ import annotations

import functools
import gzip
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from awsrec.errors import AwsrecError


class BotocoreAdapterError(AwsrecError):
    """botocore could not do what awsrec asked of it (unknown service, bad parameters...)."""


# `awsrec serve` must start fast and small: importing botocore.loaders or botocore.model pulls
# botocore.utils -> awscrt, urllib3, OpenSSL and cryptography (~0.2-0.5 s, ~40 MB). So what the
# serve path needs (operation matchers, error statuses, metadata) is compiled from the model
# JSON files read directly, into the compact `ServiceFacts`; botocore.model, serializers,
# parsers and signers are imported only inside the functions that need them (record, diff,
# tests).

# --- model files, found as botocore's Loader finds them ---------------------------------------


def _search_paths() -> list[Path]:
    """AWS_DATA_PATH entries, then ~/.aws/models, then botocore's own data directory.

    The order of botocore.loaders.Loader with a session's `data_path` (AWS_DATA_PATH).
    """
    import botocore  # the package's __init__ only: logging, os, re

    paths = [
        Path(os.path.expanduser(os.path.expandvars(p)))
        for p in os.environ.get("AWS_DATA_PATH", "").split(os.pathsep)
        if p
    ]
    paths.append(Path.home() / ".aws" / "models")
    paths.append(Path(botocore.__file__).parent / "data")
    return [p for p in paths if p.is_dir()]


def _json_file(base: Path) -> Path | None:
    """`base`.json or `base`.json.gz, as botocore's JSONFileLoader tries them."""
    for ext in (".json", ".json.gz"):
        path = base.with_name(base.name + ext)
        if path.is_file():
            return path
    return None


def _read_json(path: Path) -> dict[str, Any]:
    raw = path.read_bytes()
    if path.suffix == ".gz":
        raw = gzip.decompress(raw)
    doc = json.loads(raw)
    if not isinstance(doc, dict):
        raise BotocoreAdapterError(f"{path} is not a JSON object")
    return doc


def model_file(service: str) -> Path:
    """The service-2 model file of `service` at its latest API version, as botocore picks it.

    The latest version is the greatest across all search paths; the file is taken from the
    first search path that has it.
    """
    roots = _search_paths()
    versions = {
        version.name
        for root in roots
        if (root / service).is_dir()
        for version in (root / service).iterdir()
        if _json_file(version / "service-2") is not None
    }
    if not versions:
        raise BotocoreAdapterError(f"unknown AWS service {service!r}")
    latest = max(versions)
    for root in roots:
        found = _json_file(root / service / latest / "service-2")
        if found is not None:
            return found
    raise BotocoreAdapterError(f"unknown AWS service {service!r}")  # pragma: no cover


def _deep_merge(base: dict[str, Any], extra: dict[str, Any]) -> None:
    # botocore.utils.deep_merge: dicts merge recursively, anything else replaces.
    for key, value in extra.items():
        if isinstance(base.get(key), dict) and isinstance(value, dict):
            _deep_merge(base[key], value)
        else:
            base[key] = value


def raw_service_model(service: str) -> dict[str, Any]:
    """The service model as botocore's loader returns it: service-2 plus its sdk-extras merge.

    A fresh dict on every call (the caller may keep or change it).
    """
    path = model_file(service)
    model = _read_json(path)
    version = path.parent.name
    for root in _search_paths():
        extras = _json_file(root / service / version / "service-2.sdk-extras")
        if extras is not None:
            merge = _read_json(extras).get("merge")
            if isinstance(merge, dict):
                _deep_merge(model, merge)
            break
    return model


# --- compact facts for the serve path ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OperationFacts:
    """What identifying and answering an operation needs from its model."""

    method: str
    request_uri: str
    deprecated: bool
    unsigned: bool
    static_context: dict[str, Any]
    # Input members bound outside the body: (member, location, wire name, required).
    bindings: tuple[tuple[str, str, str, bool], ...]


@dataclass(frozen=True, slots=True)
class ServiceFacts:
    """A service model reduced to what awsrec.aws needs; a few KB instead of a few MB."""

    metadata: dict[str, Any]
    operations: dict[str, OperationFacts]
    error_statuses: dict[str, int]
    error_members: dict[str, list[str]]


def _bindings(shapes: dict[str, Any], op: dict[str, Any]) -> tuple[tuple[str, str, str, bool], ...]:
    ref = op.get("input")
    if not ref:
        return ()
    shape = shapes[ref["shape"]]
    required = set(shape.get("required", ()))
    out = []
    for name, member in shape.get("members", {}).items():
        # The member reference's traits override the target shape's, as botocore merges them.
        target = shapes.get(member.get("shape", ""), {})
        location = member.get("location", target.get("location"))
        if location in ("uri", "querystring", "header"):
            wire = member.get("locationName", target.get("locationName", name))
            out.append((name, str(location), str(wire), name in required))
    return tuple(out)


def _operation_facts(shapes: dict[str, Any], op: dict[str, Any]) -> OperationFacts:
    http = op.get("http", {})
    return OperationFacts(
        method=str(http.get("method", "POST")),
        request_uri=str(http.get("requestUri", "/")),
        deprecated=bool(op.get("deprecated", False)),
        # botocore's OperationModel.auth_type, or the smithy auth trait saying "no auth".
        unsigned=op.get("authtype") == "none" or op.get("auth") == ["smithy.api#noAuth"],
        static_context={k: v.get("value") for k, v in op.get("staticContextParams", {}).items()},
        bindings=_bindings(shapes, op),
    )


def compile_facts(model: dict[str, Any]) -> ServiceFacts:
    """ServiceFacts of a raw service model (see `raw_service_model`)."""
    shapes: dict[str, Any] = model.get("shapes", {})
    statuses: dict[str, int] = {}
    members: dict[str, list[str]] = {}
    for name, shape in shapes.items():
        if not shape.get("exception", False):
            continue
        # Errors are keyed by shape name and by the code AWS sends, when the model says.
        error = shape.get("error", {})
        codes = [name] + ([str(error["code"])] if error.get("code") else [])
        for code in codes:
            members[code] = list(shape.get("members", {}))
            if error.get("httpStatusCode") is not None:
                statuses[code] = int(error["httpStatusCode"])
    operations = {
        name: _operation_facts(shapes, op) for name, op in model.get("operations", {}).items()
    }
    return ServiceFacts(dict(model.get("metadata", {})), operations, statuses, members)


@functools.cache
def service_facts(service: str) -> ServiceFacts:
    """The compact facts of `service`'s latest model (cached; the raw model is not kept)."""
    return compile_facts(raw_service_model(service))


def _op(service: str, operation: str) -> OperationFacts:
    try:
        return service_facts(service).operations[operation]
    except KeyError:
        raise BotocoreAdapterError(f"unknown {service} operation {operation!r}") from None


def operation_names(service: str) -> list[str]:
    """Every operation name of the service's model, as AWS writes them, in model order."""
    return list(service_facts(service).operations)


def protocol(service: str) -> str:
    """The wire protocol the model declares ("rest-xml", "json", "rest-json", "query")."""
    return str(service_facts(service).metadata["protocol"])


def metadata(service: str) -> dict[str, Any]:
    """The model's metadata block (targetPrefix, signingName, jsonVersion, xmlNamespace...)."""
    return dict(service_facts(service).metadata)


def signing_name(service: str) -> str:
    """The SigV4 credential-scope service name (the endpoint prefix when the model has none)."""
    meta = service_facts(service).metadata
    return str(meta.get("signingName") or meta["endpointPrefix"])


def error_statuses(service: str) -> dict[str, int]:
    """Error code -> HTTP status, from the model's error shapes (code as AWS sends it)."""
    return service_facts(service).error_statuses


def error_members(service: str) -> dict[str, list[str]]:
    """Error code -> member names of its error shape, in model order (code as AWS sends it)."""
    return service_facts(service).error_members


def http_binding(service: str, operation: str) -> tuple[str, str]:
    """(HTTP method, requestUri template) of an operation, e.g. ("GET", "/{Bucket}?list-type=2")."""
    op = _op(service, operation)
    return op.method, op.request_uri


def is_deprecated(service: str, operation: str) -> bool:
    """Whether the model marks the operation deprecated."""
    return _op(service, operation).deprecated


def is_unsigned(service: str, operation: str) -> bool:
    """Whether the model says the operation is sent without a signature (smithy noAuth)."""
    return _op(service, operation).unsigned


def static_context_params(service: str, operation: str) -> dict[str, Any]:
    """The operation's staticContextParams (e.g. UseS3ExpressControlEndpoint), name -> value."""
    return dict(_op(service, operation).static_context)


def input_bindings(service: str, operation: str) -> list[tuple[str, str, str, bool]]:
    """Input members bound outside the body: (member, location, wire name, required).

    location is "uri", "querystring" or "header"; wire name is the name on the wire.
    """
    return list(_op(service, operation).bindings)


@functools.cache
def _enums(service: str) -> dict[str, tuple[str, ...]]:
    # Read once per service, and only the enum shapes are kept (a few KB of the model's MBs).
    shapes: dict[str, Any] = raw_service_model(service).get("shapes", {})
    return {
        name: tuple(str(v) for v in shape["enum"])
        for name, shape in shapes.items()
        if isinstance(shape.get("enum"), list)
    }


def enum_values(service: str, shape: str) -> tuple[str, ...]:
    """The values of enum shape `shape` in `service`'s model, in model order (lambda "Runtime").

    What botocore's `model.shape_for(shape).enum` returns, read from the model file itself, so
    the serve path never imports botocore.model or builds a session.
    """
    try:
        return _enums(service)[shape]
    except KeyError:
        raise BotocoreAdapterError(f"the {service} model has no enum shape {shape!r}") from None


# --- botocore's own model objects, for serializing, parsing and signing -----------------------


@functools.cache
def service_model(service: str) -> Any:
    """The botocore ServiceModel of `service` at its latest API version (cached).

    Built from the same model file as `service_facts`, as `Session.get_service_model` does,
    but never taken from a client: a client's event handlers rewrite S3 URIs in place on the
    shared model objects.
    """
    from botocore.model import ServiceModel

    return ServiceModel(raw_service_model(service), service)


def operation_model(service: str, operation: str) -> Any:
    """The botocore operation model; raises BotocoreAdapterError for an unknown operation."""
    _op(service, operation)
    return service_model(service).operation_model(operation)


def serialize_request(service: str, operation: str, params: dict[str, Any]) -> dict[str, Any]:
    """Serialise a request with botocore: method, url_path, query (pairs), headers, body."""
    op = operation_model(service, operation)
    from botocore.serialize import create_serializer

    serializer = create_serializer(protocol(service), include_validation=True)
    try:
        req = serializer.serialize_to_request(params, op)
    except Exception as e:  # validation errors are several unrelated classes
        raise BotocoreAdapterError(f"cannot serialise {service}.{operation}: {e}") from e
    body = req["body"]
    if isinstance(body, dict):  # query protocol hands back a dict of form fields
        body = urlencode(body).encode()
    elif isinstance(body, str):
        body = body.encode()
    query = req["query_string"]
    pairs: list[tuple[str, str]] = []
    if isinstance(query, dict):
        for key, value in query.items():
            values = value if isinstance(value, list) else [value]
            pairs.extend((key, str(v)) for v in values)
    return {
        "method": req["method"],
        "url_path": req["url_path"],
        "query": pairs,
        "headers": [(k, str(v)) for k, v in req["headers"].items()],
        "body": body or b"",
    }


def parse_response(
    service: str, operation: str, status: int, headers: list[tuple[str, str]], body: bytes
) -> dict[str, Any]:
    """Parse a response with botocore's parser, as a client would see it.

    Errors land under "Error", metadata under "ResponseMetadata".
    """
    op = operation_model(service, operation)
    from botocore.awsrequest import HeadersDict
    from botocore.parsers import create_parser

    parser = create_parser(protocol(service))
    response = {"status_code": status, "headers": HeadersDict(headers), "body": body}
    try:
        return dict(parser.parse(response, op.output_shape))
    except Exception as e:  # ResponseParserError and friends
        raise BotocoreAdapterError(f"botocore cannot parse {service}.{operation}: {e}") from e


# --- dummy inputs, for tests and for probes that need a syntactically valid request ----------

_DUMMY_STRINGS = {
    "Bucket": "amzn-s3-demo-bucket",
    "Key": "a/b c+d%.txt",
    "FunctionName": "fn",
    "TableName": "tbl",
    "CopySource": "amzn-s3-demo-bucket/src key.txt",
    "RenameSource": "amzn-s3-demo-bucket/src key.txt",
    "UploadId": "upload-1",
    "Id": "id-1",
}


def example_params(service: str, operation: str) -> dict[str, Any]:
    """Plausible values for every required member of an operation's input.

    Walked from the model, so botocore's serializer accepts them.
    """
    shape = operation_model(service, operation).input_shape
    if shape is None:
        return {}
    value = _example(shape, "", 0)
    return value if isinstance(value, dict) else {}


def _example(shape: Any, name: str, depth: int) -> Any:
    kind = shape.type_name
    if kind == "structure":
        if getattr(shape, "is_tagged_union", False) and shape.members:
            # A tagged union takes exactly one member.
            first = next(iter(shape.members))
            return {first: _example(shape.members[first], first, depth + 1)}
        return {
            member: _example(shape.members[member], member, depth + 1)
            for member in shape.required_members
            if depth < 6
        }
    if kind == "list":
        return [_example(shape.member, name, depth + 1)] if depth < 6 else []
    if kind == "map":
        return {"k": _example(shape.value, name, depth + 1)} if depth < 6 else {}
    if kind in ("integer", "long"):
        return max(1, int(shape.metadata.get("min", 1)))
    if kind in ("float", "double"):
        return 1.0
    if kind == "boolean":
        return True
    if kind == "timestamp":
        return 1700000000
    if kind == "blob":
        return b"blob"
    return _example_string(shape, name)


def _example_string(shape: Any, name: str) -> str:
    enum = shape.metadata.get("enum")
    if enum:
        return str(enum[0])
    if name in _DUMMY_STRINGS:
        return _DUMMY_STRINGS[name]
    if "Arn" in name or "ARN" in name:
        return "arn:aws:lambda:us-east-1:123456789012:function:fn"
    value = f"x{name.lower()}1"
    low = int(shape.metadata.get("min", 1))
    return value.ljust(low, "x")


# --- SigV4 ------------------------------------------------------------------------------------


@functools.cache
def _keep_payload_s3_auth() -> Any:
    from botocore.auth import S3SigV4Auth

    class KeepPayloadS3Auth(S3SigV4Auth):  # type: ignore[misc]
        """S3 signer that signs with the payload hash the request already declares.

        So UNSIGNED-PAYLOAD and STREAMING-UNSIGNED-PAYLOAD-TRAILER requests keep their form.
        """

        def __init__(self, credentials: Any, service: str, region: str, payload: str | None):
            super().__init__(credentials, service, region)
            self._payload = payload

        def payload(self, request: Any) -> Any:
            return self._payload if self._payload else super().payload(request)

    return KeepPayloadS3Auth


def sign_headers(
    method: str,
    url: str,
    headers: list[tuple[str, str]],
    body: bytes,
    *,
    service: str,
    region: str,
    credentials: tuple[str, str, str | None],
    keep_payload: str | None,
) -> list[tuple[str, str]]:
    """Sign with botocore's SigV4Auth (S3SigV4Auth for S3-family scopes); new header pairs."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    access_key, secret_key, token = credentials
    creds = Credentials(access_key, secret_key, token)
    # The canonical query is built from decoded pairs, so a query sent with loose encoding
    # ("prefix=a/b") is signed in SigV4's canonical encoding, as AWS will recompute it.
    split = urlsplit(url)
    params = parse_qsl(split.query, keep_blank_values=True)
    bare = urlunsplit((split.scheme, split.netloc, split.path, "", ""))
    request = AWSRequest(method=method, url=bare, data=body, params=params)
    for key, value in headers:
        request.headers.add_header(key, value)
    if service in ("s3", "s3express"):
        signer: Any = _keep_payload_s3_auth()(creds, service, region, keep_payload)
    else:
        signer = SigV4Auth(creds, service, region)
    signer.add_auth(request)
    return [(k, str(v)) for k, v in request.headers.items()]


def sigv4_signature(
    method: str,
    url: str,
    query: list[tuple[str, str]],
    headers: list[tuple[str, str]],
    body: bytes,
    *,
    timestamp: str,
    scope: tuple[str, str, str],
    secret_key: str,
    presigned: bool,
) -> str:
    """Recompute a SigV4 signature exactly as botocore would have produced it.

    `headers` are only the signed headers; `query` the decoded query pairs minus
    X-Amz-Signature; `scope` is (access key, region, service); `timestamp` the X-Amz-Date.
    """
    from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth, SigV4Auth, SigV4QueryAuth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    access_key, region, service = scope
    creds = Credentials(access_key, secret_key)
    s3_family = service in ("s3", "s3express")
    if presigned:
        # Presigned S3 URLs sign the literal UNSIGNED-PAYLOAD (S3SigV4QueryAuth does so):
        # https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
        cls: Any = S3SigV4QueryAuth if s3_family else SigV4QueryAuth
    else:
        cls = S3SigV4Auth if s3_family else SigV4Auth
    signer = cls(creds, service, region)
    request = AWSRequest(method=method, url=url, data=body, params=list(query))
    for key, value in headers:
        request.headers.add_header(key, value)
    request.context["timestamp"] = timestamp
    canonical = signer.canonical_request(request)
    string_to_sign = signer.string_to_sign(request, canonical)
    return str(signer.signature(string_to_sign, request))


# --- credentials ------------------------------------------------------------------------------


def default_credentials() -> Any:
    """The standard credential chain of botocore, resolved once; None when it finds nothing.

    env, shared config/credentials profile, container, web identity, SSO, IMDS:
    https://docs.aws.amazon.com/sdkref/latest/guide/standardized-credentials.html
    The result's `get_frozen_credentials()` refreshes expiring credentials as botocore sees fit.
    """
    import botocore.session

    return botocore.session.Session().get_credentials()
