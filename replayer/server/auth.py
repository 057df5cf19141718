"""`awsrec serve --auth sigv4`: verify each AWS request's SigV4 signature, answer as AWS would.

Checked, in AWS's order: a signature is present (header or presigned-URL form), its access key
is known, the clock (X-Amz-Date within 15 minutes; presigned URLs within X-Amz-Expires), then the
signature itself. Not checked: the per-chunk signatures of STREAMING-AWS4-HMAC-SHA256-PAYLOAD
bodies (only the seed signature), SigV4a, session tokens, and any IAM policy. This is a fidelity
feature (clients see AWS's auth errors), not a security boundary.
"""

from __future__ import annotations

import base64
import configparser
import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from awsrec.aws.errors import AwsError
from awsrec.aws.sigv4 import SigV4Info, parse_sigv4, verify_sigv4
from awsrec.errors import UsageError
from replayer.server.asgi import Incoming, Receiver
from replayer.state.base import Body

AUTH_MODES = ("sigv4",)
# https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html (max 7 days)
MAX_EXPIRES = 604800
# https://docs.aws.amazon.com/IAM/latest/UserGuide/signing-elements.html (15 minutes)
MAX_SKEW = timedelta(minutes=15)
_AMZ_DATE = "%Y%m%dT%H%M%SZ"

# Wording as the services send it. S3:
# https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList
_S3_BAD_SIGNATURE = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your key and signing method."
)
_S3_UNKNOWN_KEY = "The AWS access key Id you provided does not exist in our records."
_S3_SKEWED = "The difference between the request time and the current time is too large."
# JSON services (DynamoDB, Lambda):
# https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html
# https://docs.aws.amazon.com/lambda/latest/api/CommonErrors.html
_JSON_BAD_SIGNATURE = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method. "
    "Consult the service documentation for details."
)
_JSON_UNKNOWN_KEY = "The security token included in the request is invalid."
# Lambda and STS send these auth errors with 403; DynamoDB with 400 (its developer guide).
_AUTH_STATUS = {"dynamodb": 400}


def load_credentials(path: Path) -> dict[str, str]:
    """Access key -> secret key from an AWS shared-credentials style INI file (every profile).

    https://docs.aws.amazon.com/sdkref/latest/guide/file-format.html
    """
    parser = configparser.ConfigParser(interpolation=None)
    try:
        with path.open(encoding="utf-8") as f:
            parser.read_file(f)
    except OSError as e:
        raise UsageError(f"--credentials {path}: {e.strerror or e}") from e
    except (configparser.Error, UnicodeDecodeError) as e:
        first = str(e).splitlines()[0]
        raise UsageError(f"--credentials {path} is not an INI credentials file: {first}") from e
    keys: dict[str, str] = {}
    for name in parser.sections():
        section = parser[name]
        key, secret = section.get("aws_access_key_id"), section.get("aws_secret_access_key")
        if key and secret:
            keys[key.strip()] = secret.strip()
    if not keys:
        raise UsageError(
            f"--credentials {path} has no profile with aws_access_key_id and aws_secret_access_key"
        )
    return keys


@dataclass(frozen=True, slots=True)
class SigV4Verifier:
    """Verifies requests against a fixed set of access keys; raises AwsError to reject."""

    keys: dict[str, str]

    @classmethod
    def from_settings(cls, mode: str | None, credentials: Path | None) -> SigV4Verifier | None:
        """The verifier for `--auth MODE --credentials FILE`, or None when auth is off."""
        if mode is None:
            if credentials is not None:
                raise UsageError("--credentials needs --auth sigv4")
            return None
        if mode not in AUTH_MODES:
            raise UsageError(f"--auth {mode!r} is not supported (supported: sigv4)")
        if credentials is None:
            raise UsageError("--auth sigv4 needs --credentials FILE")
        return cls(load_credentials(credentials))

    def unidentified(self) -> AwsError:
        """The answer to a request that neither names its service nor carries a signature."""
        return AwsError("AccessDenied", "Access Denied", 403)

    async def check(self, inc: Incoming, service: str, early: bytes, receiver: Receiver) -> bytes:
        """Reject `inc` with AWS's error, or return the body read so far (all of it, if needed).

        S3 signs the X-Amz-Content-SHA256 header instead of hashing the body, so S3 bodies keep
        streaming; other services sign the body hash, so their (small) bodies are read here.
        """
        info = parse_sigv4(inc.headers, inc.query)
        if info is None:
            if _is_s3(service) and _query(inc, "Signature") is not None:
                self._check_v2_query(inc)
                return early
            raise _missing(service, inc)
        secret = self.keys.get(info.access_key)
        if secret is None:
            raise _unknown_key(service, info)
        _check_clock(service, info, datetime.now(UTC))
        body = early
        if service in ("s3", "s3express"):
            if not info.presigned and not any(k == "x-amz-content-sha256" for k, _ in inc.headers):
                # https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html
                raise AwsError(
                    "InvalidRequest",
                    "Missing required header for this request: x-amz-content-sha256",
                    400,
                )
            signed_body = b""  # hashed by the header's value, not by its bytes
        else:
            if not body:
                body = await Body(receiver).read()
            signed_body = body
        if not verify_sigv4(inc.method, inc.raw_path, inc.query, inc.headers, signed_body, secret):
            raise _bad_signature(service, info)
        return body

    def _check_v2_query(self, inc: Incoming) -> None:
        """S3's SigV2 presigned URLs (boto3 still makes them for us-east-1 by default).

        https://docs.aws.amazon.com/AmazonS3/latest/userguide/RESTAuthentication.html#RESTAuthenticationQueryStringAuth
        """
        key = _query(inc, "AWSAccessKeyId") or ""
        expires = _query(inc, "Expires") or ""
        given = _query(inc, "Signature") or ""
        secret = self.keys.get(key)
        if secret is None:
            raise AwsError("InvalidAccessKeyId", _S3_UNKNOWN_KEY, 403, {"AWSAccessKeyId": key})
        if not expires.isdigit():
            raise AwsError(
                "AccessDenied",
                "Query-string authentication requires the "
                "Signature, Expires and AWSAccessKeyId parameters",
                403,
            )
        now = datetime.now(UTC)
        if now.timestamp() > int(expires):
            extra = {
                "Expires": _iso(datetime.fromtimestamp(int(expires), UTC)),
                "ServerTime": _iso(now),
            }
            raise AwsError("AccessDenied", "Request has expired", 403, extra)
        to_sign = _v2_string_to_sign(inc, expires)
        digest = hmac.new(secret.encode(), to_sign.encode("utf-8", "surrogateescape"), hashlib.sha1)
        expected = base64.b64encode(digest.digest()).decode()
        if not hmac.compare_digest(expected.encode(), given.encode("utf-8", "surrogateescape")):
            extra = {"AWSAccessKeyId": key, "SignatureProvided": given}
            raise AwsError("SignatureDoesNotMatch", _S3_BAD_SIGNATURE, 403, extra)


# Subresources that SigV2 signs, as botocore's HmacV1Auth lists them.
_V2_SUBRESOURCES = frozenset(
    {
        "accelerate",
        "acl",
        "cors",
        "defaultObjectAcl",
        "location",
        "logging",
        "partNumber",
        "policy",
        "requestPayment",
        "torrent",
        "versioning",
        "versionId",
        "versions",
        "website",
        "uploads",
        "uploadId",
        "response-content-type",
        "response-content-language",
        "response-expires",
        "response-cache-control",
        "response-content-disposition",
        "response-content-encoding",
        "delete",
        "lifecycle",
        "tagging",
        "restore",
        "storageClass",
        "notification",
        "replication",
        "analytics",
        "metrics",
        "inventory",
        "select",
        "select-type",
        "object-lock",
    }
)


def _query(inc: Incoming, name: str) -> str | None:
    return next((v for k, v in inc.query if k == name), None)


def _v2_string_to_sign(inc: Incoming, expires: str) -> str:
    """METHOD, Content-MD5, Content-Type, Expires, x-amz-* headers, resource (path-style)."""
    first = {k: v.strip() for k, v in reversed(inc.headers)}
    amz: dict[str, list[str]] = {}
    for k, v in inc.headers:
        if k.startswith("x-amz-"):
            amz.setdefault(k, []).append(v.strip())
    lines = [inc.method, first.get("content-md5", ""), first.get("content-type", ""), expires]
    lines += [f"{k}:{','.join(amz[k])}" for k in sorted(amz)]
    sub = sorted((k, v) for k, v in inc.query if k in _V2_SUBRESOURCES)
    resource = inc.raw_path.split("?", 1)[0]
    if sub:
        resource += "?" + "&".join(f"{k}={v}" if v else k for k, v in sub)
    return "\n".join([*lines, resource])


def _status(service: str) -> int:
    return _AUTH_STATUS.get(service, 403)


def _is_s3(service: str) -> bool:
    return service in ("s3", "s3express")


def _missing(service: str, inc: Incoming) -> AwsError:
    if _is_s3(service):
        # An anonymous request to a private resource.
        return AwsError("AccessDenied", "Access Denied", 403)
    if service == "sts":
        # https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html
        message = "Request is missing Authentication Token"
        return AwsError("MissingAuthenticationToken", message, 403)
    code = "MissingAuthenticationTokenException"
    return AwsError(code, "Request is missing Authentication Token", _status(service))


def _unknown_key(service: str, info: SigV4Info) -> AwsError:
    if _is_s3(service):
        return AwsError(
            "InvalidAccessKeyId", _S3_UNKNOWN_KEY, 403, {"AWSAccessKeyId": info.access_key}
        )
    if service == "sts":
        return AwsError("InvalidClientTokenId", _JSON_UNKNOWN_KEY, 403)
    return AwsError("UnrecognizedClientException", _JSON_UNKNOWN_KEY, _status(service))


def _bad_signature(service: str, info: SigV4Info) -> AwsError:
    if _is_s3(service):
        extra = {"AWSAccessKeyId": info.access_key, "SignatureProvided": info.signature}
        return AwsError("SignatureDoesNotMatch", _S3_BAD_SIGNATURE, 403, extra)
    if service == "sts":
        return AwsError("SignatureDoesNotMatch", _JSON_BAD_SIGNATURE, 403)
    return AwsError("InvalidSignatureException", _JSON_BAD_SIGNATURE, _status(service))


def _parse_time(value: str) -> datetime | None:
    try:
        return datetime.strptime(value, _AMZ_DATE).replace(tzinfo=UTC)
    except ValueError:
        return None


def _check_clock(service: str, info: SigV4Info, now: datetime) -> None:
    signed_at = _parse_time(info.timestamp)
    if signed_at is None:
        # https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
        raise AwsError(
            "AccessDenied" if _is_s3(service) else "IncompleteSignatureException",
            f"X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\", "
            f"got {info.timestamp[:40]!r}",
            403 if _is_s3(service) else _status(service),
        )
    if info.presigned:
        _check_expiry(service, info, signed_at, now)
    elif abs(now - signed_at) > MAX_SKEW:
        raise _skewed(service, info, signed_at, now)


def _check_expiry(service: str, info: SigV4Info, signed_at: datetime, now: datetime) -> None:
    expires = info.expires
    if expires is None or not 1 <= expires <= MAX_EXPIRES:
        # https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
        raise AwsError(
            "AuthorizationQueryParametersError",
            "X-Amz-Expires must be less than a week (in seconds) that is 604800",
            400,
        )
    if signed_at - now > MAX_SKEW:
        raise _skewed(service, info, signed_at, now)
    if now > signed_at + timedelta(seconds=expires):
        stamp = (signed_at + timedelta(seconds=expires)).strftime("%Y-%m-%dT%H:%M:%SZ")
        extra = {"X-Amz-Expires": expires, "Expires": stamp, "ServerTime": _iso(now)}
        if _is_s3(service):
            # S3 answers an expired presigned URL with 403 AccessDenied "Request has expired".
            raise AwsError("AccessDenied", "Request has expired", 403, extra)
        raise _skewed(service, info, signed_at, now)


def _iso(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _skewed(service: str, info: SigV4Info, signed_at: datetime, now: datetime) -> AwsError:
    if _is_s3(service):
        # https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList
        extra = {
            "RequestTime": info.timestamp,
            "ServerTime": _iso(now),
            "MaxAllowedSkewMilliseconds": int(MAX_SKEW.total_seconds() * 1000),
        }
        return AwsError("RequestTimeTooSkewed", _S3_SKEWED, 403, extra)
    # The JSON services and STS report skew as an expired signature, naming the window.
    stamp = now.strftime(_AMZ_DATE)
    if signed_at < now:
        limit = (now - MAX_SKEW).strftime(_AMZ_DATE)
        message = (
            f"Signature expired: {info.timestamp} is now earlier than {limit} ({stamp} - 15 min.)"
        )
    else:
        limit = (now + MAX_SKEW).strftime(_AMZ_DATE)
        message = (
            f"Signature not yet current: {info.timestamp} is still later than {limit} "
            f"({stamp} + 15 min.)"
        )
    if service == "sts":
        return AwsError("SignatureDoesNotMatch", message, 403)
    return AwsError("InvalidSignatureException", message, _status(service))
