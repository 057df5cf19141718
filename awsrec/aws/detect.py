"""Which AWS service (and region) a raw HTTP request is addressed to."""

from __future__ import annotations

import functools
import re
from urllib.parse import parse_qsl

from awsrec.aws import botocore_adapter
from awsrec.aws.s3_addressing import is_s3_host, split_host, virtual_bucket
from awsrec.aws.sigv4 import parse_sigv4
from awsrec.cassette import header_value

Pairs = list[tuple[str, str]]

SERVICES = ("s3", "dynamodb", "lambda", "sts")
# Credential-scope names that belong to a service we know under another name: S3 Express
# directory-bucket requests are signed for "s3express", and WriteGetObjectResponse for
# "s3-object-lambda" (https://docs.aws.amazon.com/AmazonS3/latest/API/API_WriteGetObjectResponse.html).
_SCOPE_ALIASES = {"s3express": "s3", "s3-object-lambda": "s3"}

# Regional endpoints: https://docs.aws.amazon.com/general/latest/gr/rande.html
_REGIONAL_HOST = re.compile(
    r"(?:^|\.)(?P<svc>s3|dynamodb|lambda|sts)(?:[.-]fips)?"
    r"(?:\.dualstack)?[.-](?P<region>[a-z]{2}(?:-[a-z]+)+-\d)\.(?:amazonaws\.com|api\.aws)"
)
_GLOBAL_HOST = re.compile(r"(?:^|\.)(?P<svc>s3|sts)\.amazonaws\.com$")
_S3EXPRESS_REGION = re.compile(
    r"\.s3express-(?:control\.)?[a-z0-9\-]*?\.?(?P<region>[a-z]{2}(?:-[a-z]+)+-\d)\."
)


@functools.cache
def _scope_services() -> dict[str, str]:
    """Credential-scope (signing) name -> our service name, from the models."""
    out = {botocore_adapter.signing_name(s): s for s in SERVICES}
    out.update(_SCOPE_ALIASES)
    return out


def _service_of_scope(name: str) -> str | None:
    """Our service for a credential-scope service name.

    A scope naming a service that signs under its own name is answered from that one model,
    so a server that only sees S3 never loads the other three models.
    """
    if name in _SCOPE_ALIASES:
        return _SCOPE_ALIASES[name]
    if name in SERVICES and botocore_adapter.signing_name(name) == name:
        return name
    return _scope_services().get(name)


@functools.cache
def _dynamodb_target_prefix() -> str:
    return str(botocore_adapter.metadata("dynamodb").get("targetPrefix", "DynamoDB_20120810"))


@functools.cache
def _lambda_path_prefixes() -> tuple[str, ...]:
    """Leading "/<api-date>/<collection>" segments of every Lambda requestUri."""
    prefixes = set()
    for op in botocore_adapter.operation_names("lambda"):
        _, uri = botocore_adapter.http_binding("lambda", op)
        segments = uri.split("?")[0].split("/")
        prefixes.add("/".join(segments[:3]))
    return tuple(sorted(prefixes))


def detect_service(
    method: str, host: str, path: str, query: Pairs, headers: Pairs, body: bytes = b""
) -> str | None:
    """The service a request is for: "s3" | "dynamodb" | "lambda" | "sts" | None.

    Decided, in order, by the SigV4 credential scope, X-Amz-Target, the host name, the path,
    and an STS Action in the query or form body.
    """
    info = parse_sigv4(headers, query)
    if info is not None:
        return _service_of_scope(info.service)
    target = header_value(headers, "X-Amz-Target")
    if target is not None:
        prefix = target.partition(".")[0]
        return "dynamodb" if prefix == _dynamodb_target_prefix() else None
    by_host = _service_from_host(host)
    if by_host is not None:
        return by_host
    if _is_sigv2(headers, query):
        return "s3"
    if path.startswith(_lambda_path_prefixes()):
        return "lambda"
    if _is_sts_action(method, query, headers, body):
        return "sts"
    return None


def _is_sigv2(headers: Pairs, query: Pairs) -> bool:
    """Whether the request carries a legacy SigV2 signature, which only S3 still accepts.

    "AWS AKID:sig", or a presigned URL with AWSAccessKeyId and Signature (boto3 still presigns
    S3 URLs this way by default): https://docs.aws.amazon.com/AmazonS3/latest/API/RESTAuthentication.html
    """
    authorization = header_value(headers, "Authorization")
    if authorization is not None and authorization.startswith("AWS ") and ":" in authorization:
        return True
    keys = {k for k, _ in query}
    return "AWSAccessKeyId" in keys and "Signature" in keys


def _service_from_host(host: str) -> str | None:
    name, _ = split_host(host)
    if virtual_bucket(host) is not None or is_s3_host(host):
        return "s3"
    match = _REGIONAL_HOST.search(name) or _GLOBAL_HOST.search(name)
    return match.group("svc") if match else None


def _is_sts_action(method: str, query: Pairs, headers: Pairs, body: bytes) -> bool:
    """STS query protocol: Action=GetCallerIdentity (etc.) in the query or form body."""
    actions = set(botocore_adapter.operation_names("sts"))
    for key, value in query:
        if key == "Action" and value in actions:
            return True
    content_type = (header_value(headers, "Content-Type") or "").lower()
    if method == "POST" and "application/x-www-form-urlencoded" in content_type and body:
        form = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
        return any(k == "Action" and v in actions for k, v in form)
    return False


def detect_region(host: str, headers: Pairs, query: Pairs) -> str | None:
    """The request's region: the SigV4 credential scope's, else the one in the host name."""
    info = parse_sigv4(headers, query)
    if info is not None and info.region:
        return info.region
    name, _ = split_host(host)
    match = _REGIONAL_HOST.search(name) or _S3EXPRESS_REGION.search(name)
    if match is not None:
        return match.group("region")
    if _GLOBAL_HOST.search(name) or name.endswith(".s3.amazonaws.com"):
        # Global endpoints s3.amazonaws.com and sts.amazonaws.com are served from us-east-1.
        return "us-east-1"
    return None
