"""botocore's own model objects: serializing requests, parsing responses, example inputs."""

from __future__ import annotations

import functools
from typing import Any
from urllib.parse import urlencode

from awsrec.aws.botocore_adapter.facts import _op, protocol
from awsrec.aws.botocore_adapter.model_files import BotocoreAdapterError, raw_service_model


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
