from __future__ import annotations

import base64
from urllib.parse import parse_qsl, quote, urlsplit

import msgpack
import pytest
from botocore.config import Config

from awsrec.cassette import encode_interaction
from awsrec.errors import SecretLeakError
from awsrec.normalize import Normaliser, SecretScanner, redact_secrets
from tests.awsrec.normalize.wire import client

ACCESS_KEY = "ASIAQEXAMPLEKEY12345"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCY/EXAMPLE+KEY"
TOKEN = "IQoJb3JpZ2luX2VjEXAMPLE//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+token/value=="


def _creds() -> dict[str, str]:
    return {
        "aws_access_key_id": ACCESS_KEY,
        "aws_secret_access_key": SECRET_KEY,
        "aws_session_token": TOKEN,
    }


def _scanner() -> SecretScanner:
    s = SecretScanner()
    s.register(ACCESS_KEY, "access key id")
    s.register(SECRET_KEY, "secret access key")
    s.register(TOKEN, "session token")
    return s


@pytest.mark.parametrize(
    ("form", "field"),
    [
        (SECRET_KEY.encode(), "secret access key"),
        (quote(SECRET_KEY, safe="").encode(), "secret access key"),
        (quote(SECRET_KEY, safe="").replace("%2F", "%2f").encode(), "secret access key"),
        (quote(TOKEN, safe="/").encode(), "session token"),
        (ACCESS_KEY.encode(), "access key id"),
    ],
)
def test_scanner_catches_raw_and_url_encoded(form: bytes, field: str) -> None:
    with pytest.raises(SecretLeakError) as info:
        _scanner().check(b"some body " + form + b" more")
    assert str(info.value) == f"secret {field} would be written to the cassette; write aborted"


@pytest.mark.parametrize("offset", [0, 1, 2, 3, 4, 5])
def test_scanner_catches_base64_inside_a_larger_blob(offset: int) -> None:
    # e.g. a Lambda log tail or a zip, encoded as a whole with the secret somewhere inside.
    blob = b"x" * offset + b"env AWS_SECRET_ACCESS_KEY=" + SECRET_KEY.encode() + b" end"
    for encode in (base64.b64encode, base64.urlsafe_b64encode):
        with pytest.raises(SecretLeakError, match="secret access key"):
            _scanner().check(b'{"LogResult": "' + encode(blob) + b'"}')


def test_scanner_lets_clean_bytes_through_and_ignores_short_values() -> None:
    s = _scanner()
    s.register("testing", "secret access key")  # the dummy test key: too short to scan for
    s.check(b"<ListBucketResult><Name>testing</Name></ListBucketResult>")
    s.check(base64.b64encode(b"nothing secret here, only ASIAQ and wJalrXUtnFEMI"))
    s.check(b"")


def test_real_signed_request_is_redacted_and_scanned(moto: str) -> None:
    s3, rec = client("s3", moto, **_creds())
    s3.create_bucket(Bucket="secret-bucket")
    raw = rec.interactions[0]
    scanner = SecretScanner()
    scanner.register_request(raw.request.headers, raw.request.query)
    scanner.register(SECRET_KEY, "secret access key")
    signature = raw.request.header("Authorization", "").rsplit("Signature=", 1)[1]

    with pytest.raises(SecretLeakError, match="secret (access key id|session token|signature)"):
        scanner.check(msgpack.packb(encode_interaction(raw)))
    for value, field in ((signature, "signature"), (ACCESS_KEY, "access key id")):
        with pytest.raises(SecretLeakError, match=field):
            scanner.check(value.encode())

    clean = Normaliser().normalise(raw)
    assert clean.request.header("Authorization") == "<redacted>"
    assert clean.request.header("X-Amz-Security-Token") == "<redacted>"
    scanner.check(msgpack.packb(encode_interaction(clean)))  # nothing left to leak


def test_real_presigned_url_is_redacted(moto: str) -> None:
    s3, _ = client("s3", moto, config=Config(signature_version="s3v4"), **_creds())
    url = s3.generate_presigned_url("get_object", Params={"Bucket": "b", "Key": "k"}, ExpiresIn=60)
    query = parse_qsl(urlsplit(url).query, keep_blank_values=True)
    names = [k for k, _ in query]
    assert {"X-Amz-Signature", "X-Amz-Credential", "X-Amz-Security-Token"} <= set(names)

    scanner = SecretScanner()
    scanner.register_request([], query)
    assert len(scanner) > 0
    with pytest.raises(SecretLeakError):
        scanner.check(url.encode())

    headers, redacted = redact_secrets([("Host", "127.0.0.1")], query)
    values = dict(redacted)
    assert [k for k, _ in redacted] == names  # order and presence kept
    assert values["X-Amz-Signature"] == "<redacted>"
    assert values["X-Amz-Credential"] == "<redacted>"
    assert values["X-Amz-Security-Token"] == "<redacted>"
    assert values["X-Amz-Algorithm"] == "AWS4-HMAC-SHA256"
    assert values["X-Amz-Expires"] == "60"
    assert headers == [("Host", "127.0.0.1")]
    scanner.check(repr(redacted).encode())


def test_real_sigv2_presigned_url_is_redacted(moto: str) -> None:
    # boto3's default presigner for S3 still writes SigV2 query auth, with a lower-case token.
    s3, _ = client("s3", moto, **_creds())
    url = s3.generate_presigned_url("get_object", Params={"Bucket": "b", "Key": "k"}, ExpiresIn=60)
    query = parse_qsl(urlsplit(url).query, keep_blank_values=True)
    scanner = SecretScanner()
    scanner.register_request([], query)
    scanner.register(SECRET_KEY, "secret access key")
    _, redacted = redact_secrets([], query)
    assert {k for k, v in redacted if v == "<redacted>"} == {
        "AWSAccessKeyId",
        "Signature",
        "x-amz-security-token",
    }
    with pytest.raises(SecretLeakError):
        scanner.check(url.encode())
    scanner.check(repr(redacted).encode())


def test_redaction_keeps_headers_present() -> None:
    headers = [
        ("Cookie", "session=abc"),
        ("x-amz-server-side-encryption-customer-key", "c2VjcmV0a2V5c2VjcmV0a2V5c2VjcmV0a2V5MTI="),
        ("X-My-Api-Key", "k-123456789"),
        ("Content-Type", "application/xml"),
    ]
    out, _ = redact_secrets(headers, [], extra_headers=["x-my-api-key"])
    assert out == [
        ("Cookie", "<redacted>"),
        ("x-amz-server-side-encryption-customer-key", "<redacted>"),
        ("X-My-Api-Key", "<redacted>"),
        ("Content-Type", "application/xml"),
    ]
