"""AWS errors as data (`AwsError`), their HTTP status, and their rendering per wire protocol."""

from __future__ import annotations

import base64
import hashlib
import json
import zlib
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

from awsrec.aws import botocore_adapter
from awsrec.aws.protocol import protocol_of

Pairs = list[tuple[str, str]]

# Codes the models do not carry as error shapes, with the status AWS documents for them.
# S3: https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList
# DynamoDB: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html
# Common: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/CommonErrors.html
_DOCUMENTED_STATUS: dict[str, dict[str, int]] = {
    "s3": {
        "AuthorizationHeaderMalformed": 400,
        "BadDigest": 400,
        "BucketNotEmpty": 409,
        "EntityTooLarge": 400,
        "EntityTooSmall": 400,
        "ExpiredToken": 400,
        "IncompleteBody": 400,
        "InternalError": 500,
        "InvalidAccessKeyId": 403,
        "InvalidArgument": 400,
        "InvalidBucketName": 400,
        "InvalidBucketState": 409,
        "InvalidDigest": 400,
        "InvalidPart": 400,
        "InvalidPartOrder": 400,
        "InvalidRange": 416,
        "InvalidTag": 400,
        "KeyTooLongError": 400,
        "MalformedXML": 400,
        "MethodNotAllowed": 405,
        "MissingContentLength": 411,
        "NoSuchBucketPolicy": 404,
        "NoSuchCORSConfiguration": 404,
        "NoSuchLifecycleConfiguration": 404,
        "NoSuchTagSet": 404,
        "NoSuchVersion": 404,
        "NoSuchWebsiteConfiguration": 404,
        "NotImplemented": 501,
        "NotModified": 304,
        "OperationAborted": 409,
        "PreconditionFailed": 412,
        "RequestTimeTooSkewed": 403,
        "RequestTimeout": 400,
        "ServiceUnavailable": 503,
        "SignatureDoesNotMatch": 403,
        "SlowDown": 503,
        "XAmzContentSHA256Mismatch": 400,
    },
    "dynamodb": {"InternalServerError": 500, "ServiceUnavailable": 503},
    "lambda": {"ServiceException": 500},
    # https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html
    "sts": {"AccessDenied": 403, "InvalidClientTokenId": 403, "SignatureDoesNotMatch": 403},
}
_COMMON_STATUS = {
    "AccessDeniedException": 400,
    "IncompleteSignature": 400,
    "InternalFailure": 500,
    "MissingAuthenticationToken": 403,
    "ServiceUnavailable": 503,
    "ThrottlingException": 400,
    "UnrecognizedClientException": 400,
    "ValidationException": 400,
}
# DynamoDB's __type namespace for errors that its model does not declare (sent by the
# request-handling framework rather than the service), as DynamoDB sends them.
_DYNAMODB_NAMESPACES = {
    "ValidationException": "com.amazon.coral.validate",
    "SerializationException": "com.amazon.coral.service",
    "UnrecognizedClientException": "com.amazon.coral.service",
    "AccessDeniedException": "com.amazon.coral.service",
    "IncompleteSignatureException": "com.amazon.coral.service",
    "MissingAuthenticationTokenException": "com.amazon.coral.service",
    "InvalidSignatureException": "com.amazon.coral.service",
    "UnknownOperationException": "com.amazon.coral.service",
    "ThrottlingException": "com.amazon.coral.availability",
}


@dataclass(eq=False)
class AwsError(Exception):
    """An AWS error outcome, rendered per protocol by `render_error`.

    `status` None means "as the model (or AWS's documentation) says for this code, else 400".
    `extra`: extra XML elements for S3 (Key, BucketName, Resource, Condition...) or extra JSON
    fields for json protocols (Item, CancellationReasons...).
    """

    code: str
    message: str
    status: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__(self.code, self.message)

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"

    def status_for(self, service: str) -> int:
        """The HTTP status this error is sent with by `service`."""
        if self.status is not None:
            return self.status
        return error_status(service, self.code) or 400


def error_status(service: str, code: str) -> int | None:
    """HTTP status of error `code` from the model's error shapes, else AWS's documentation."""
    status = botocore_adapter.error_statuses(service).get(code)
    if status is not None:
        return status
    return _DOCUMENTED_STATUS.get(service, {}).get(code) or _COMMON_STATUS.get(code)


def render_error(
    service: str,
    error: AwsError,
    *,
    request_id: str,
    host_id: str | None = None,
    head: bool = False,
) -> tuple[int, Pairs, bytes]:
    """(status, headers, body) of `error` as `service` sends it. HEAD responses have no body."""
    status = error.status_for(service)
    proto = protocol_of(service)
    if proto == "rest-xml":
        headers, body = _render_rest_xml(error, request_id, host_id)
    elif proto == "json":
        headers, body = _render_json(service, error, request_id)
    elif proto == "rest-json":
        headers, body = _render_rest_json(service, error, request_id, status)
    else:
        headers, body = _render_query(service, error, request_id, status)
    return status, headers, (b"" if head else body)


def _xml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return escape(str(value))


def _render_rest_xml(error: AwsError, request_id: str, host_id: str | None) -> tuple[Pairs, bytes]:
    # https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#RESTErrorResponses
    if host_id is None:
        digest = hashlib.sha256(request_id.encode()).digest() * 2
        host_id = base64.b64encode(digest[:57]).decode()
    extra = "".join(f"<{k}>{_xml_value(v)}</{k}>" for k, v in error.extra.items())
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{escape(error.code)}</Code><Message>{escape(error.message)}</Message>"
        f"{extra}<RequestId>{escape(request_id)}</RequestId><HostId>{escape(host_id)}</HostId>"
        "</Error>"
    ).encode()
    headers = [
        ("x-amz-request-id", request_id),
        ("x-amz-id-2", host_id),
        ("Content-Type", "application/xml"),
    ]
    return headers, body


def _error_members(service: str, code: str) -> list[str] | None:
    shapes = botocore_adapter.error_members(service)
    return shapes.get(code)


def _message_key(members: list[str] | None, default: str) -> str:
    for name in members or ():
        if name.lower() == "message":
            return name
    return default


def _render_json(service: str, error: AwsError, request_id: str) -> tuple[Pairs, bytes]:
    # {"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException","message":"..."}:
    # https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html
    members = _error_members(service, error.code)
    if members is None and error.code in _DYNAMODB_NAMESPACES:
        namespace = _DYNAMODB_NAMESPACES[error.code]
    else:
        version = botocore_adapter.metadata(service).get("apiVersion", "").replace("-", "")
        namespace = f"com.amazonaws.{service}.v{version}"
    # Most DynamoDB errors spell "message" in lower case, a few "Message"
    # (TransactionCanceledException); the model's error shape says which.
    payload: dict[str, Any] = {"__type": f"{namespace}#{error.code}"}
    payload[_message_key(members, "message")] = error.message
    payload.update(error.extra)
    body = json.dumps(payload, separators=(",", ":")).encode()
    headers = [
        ("x-amzn-RequestId", request_id),
        ("x-amz-crc32", str(zlib.crc32(body))),
        ("Content-Type", "application/x-amz-json-1.0"),
    ]
    return headers, body


def _render_rest_json(
    service: str, error: AwsError, request_id: str, status: int
) -> tuple[Pairs, bytes]:
    # Lambda: {"Type":"User","Message":"Function not found: ..."} plus x-amzn-ErrorType;
    # https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html#API_Invoke_Errors
    members = _error_members(service, error.code)
    payload: dict[str, Any] = {}
    if members is not None and "Type" in members:
        payload["Type"] = "Service" if status >= 500 else "User"
    payload[_message_key(members, "message")] = error.message
    payload.update(error.extra)
    body = json.dumps(payload, separators=(",", ":")).encode()
    headers = [
        ("x-amzn-RequestId", request_id),
        ("x-amzn-ErrorType", error.code),
        ("Content-Type", "application/json"),
    ]
    return headers, body


def _render_query(
    service: str, error: AwsError, request_id: str, status: int
) -> tuple[Pairs, bytes]:
    # https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html
    namespace = botocore_adapter.metadata(service).get("xmlNamespace", "")
    fault = "Receiver" if status >= 500 else "Sender"
    extra = "".join(f"    <{k}>{_xml_value(v)}</{k}>\n" for k, v in error.extra.items())
    body = (
        f'<ErrorResponse xmlns="{namespace}">\n'
        "  <Error>\n"
        f"    <Type>{fault}</Type>\n"
        f"    <Code>{escape(error.code)}</Code>\n"
        f"    <Message>{escape(error.message)}</Message>\n"
        f"{extra}"
        "  </Error>\n"
        f"  <RequestId>{escape(request_id)}</RequestId>\n"
        "</ErrorResponse>\n"
    ).encode()
    headers = [("x-amzn-RequestId", request_id), ("Content-Type", "text/xml")]
    return headers, body
