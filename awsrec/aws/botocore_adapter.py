"""The one place that touches botocore internals: service models, serializers, parsers, signers."""

from __future__ import annotations

import functools
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from botocore.exceptions import BotoCoreError
from botocore.loaders import create_loader
from botocore.model import OperationModel, ServiceModel, Shape, StructureShape

from awsrec.errors import AwsrecError


class BotocoreAdapterError(AwsrecError):
    """botocore could not do what awsrec asked of it (unknown service, bad parameters...)."""


# Only botocore's loader and model are imported up front: `awsrec serve` must start fast and
# small, and botocore.session/auth/parsers (with awscrt) cost ~0.45 s and ~40 MB. The rest is
# imported inside the functions that need it.


@functools.cache
def _loader() -> Any:
    return create_loader()


@functools.cache
def service_model(service: str) -> ServiceModel:
    """The botocore model of `service` at its latest API version (cached).

    Built from botocore's loader, as `Session.get_service_model` does, but never taken from a
    client: a client's event handlers rewrite S3 URIs in place on the shared model objects.
    """
    try:
        return ServiceModel(_loader().load_service_model(service, "service-2"), service)
    except BotoCoreError as e:
        raise BotocoreAdapterError(f"unknown AWS service {service!r}") from e


def operation_names(service: str) -> list[str]:
    """Every operation name of the service's model, as AWS writes them."""
    return list(service_model(service).operation_names)


def operation_model(service: str, operation: str) -> OperationModel:
    """The botocore operation model; raises BotocoreAdapterError for an unknown operation."""
    try:
        return service_model(service).operation_model(operation)
    except Exception as e:  # botocore raises OperationNotFoundError (not a BotoCoreError)
        raise BotocoreAdapterError(f"unknown {service} operation {operation!r}") from e


def protocol(service: str) -> str:
    """The wire protocol the model declares ("rest-xml", "json", "rest-json", "query")."""
    return str(service_model(service).protocol)


def metadata(service: str) -> dict[str, Any]:
    """The model's metadata block (targetPrefix, signingName, jsonVersion, xmlNamespace...)."""
    return dict(service_model(service).metadata)


def signing_name(service: str) -> str:
    """The SigV4 credential-scope service name of `service`."""
    return str(service_model(service).signing_name)


@functools.cache
def error_statuses(service: str) -> dict[str, int]:
    """Error code -> HTTP status, from the model's error shapes (code as AWS sends it)."""
    out: dict[str, int] = {}
    for shape in service_model(service).error_shapes:
        status = shape.metadata.get("error", {}).get("httpStatusCode")
        if status is None:
            continue
        out[shape.name] = int(status)
        code = shape.metadata.get("error", {}).get("code")
        if code:
            out[str(code)] = int(status)
    return out


def http_binding(service: str, operation: str) -> tuple[str, str]:
    """(HTTP method, requestUri template) of an operation, e.g. ("GET", "/{Bucket}?list-type=2")."""
    http = operation_model(service, operation).http
    return str(http.get("method", "POST")), str(http.get("requestUri", "/"))


def is_deprecated(service: str, operation: str) -> bool:
    """Whether the model marks the operation deprecated."""
    return bool(operation_model(service, operation).deprecated)


def input_bindings(service: str, operation: str) -> list[tuple[str, str, str, bool]]:
    """Input members bound outside the body: (member, location, wire name, required).

    location is "uri", "querystring" or "header"; wire name is the name on the wire.
    """
    shape = operation_model(service, operation).input_shape
    if shape is None:
        return []
    required = set(shape.required_members)
    out: list[tuple[str, str, str, bool]] = []
    for name, member in shape.members.items():
        location = member.serialization.get("location")
        if location in ("uri", "querystring", "header"):
            wire = member.serialization.get("name", name)
            out.append((name, location, str(wire), name in required))
    return out


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


def _example(shape: Shape, name: str, depth: int) -> Any:
    kind = shape.type_name
    if kind == "structure":
        assert isinstance(shape, StructureShape)
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


def _example_string(shape: Shape, name: str) -> str:
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


def static_context_params(service: str, operation: str) -> dict[str, Any]:
    """The operation's staticContextParams (e.g. UseS3ExpressControlEndpoint), name -> value."""
    op = operation_model(service, operation)
    return {p.name: p.value for p in op.static_context_parameters}


@functools.cache
def error_members(service: str) -> dict[str, list[str]]:
    """Error code -> member names of its error shape, in model order (code as AWS sends it)."""
    out: dict[str, list[str]] = {}
    for shape in service_model(service).error_shapes:
        members = list(shape.members)
        out[shape.name] = members
        code = shape.metadata.get("error", {}).get("code")
        if code:
            out[str(code)] = members
    return out


def is_unsigned(service: str, operation: str) -> bool:
    """Whether the model says the operation is sent without a signature (smithy noAuth)."""
    op = operation_model(service, operation)
    return op.auth_type == "none" or list(getattr(op, "auth", None) or []) == ["smithy.api#noAuth"]
