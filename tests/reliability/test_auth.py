"""`serve --auth sigv4`: boto3 clients get AWS's auth errors; presigned URLs work and expire."""

from __future__ import annotations

import base64
import hashlib
import hmac
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

from replayer.server.run import BackgroundServer
from tests.replayer.conftest import ServeFactory, admin

# Canary credentials: the secrets sweep (test_secrets.py) proves they reach no cassette.
ACCESS_KEY = "AKIDSERVEAUTHCANARY1"
SECRET_KEY = "SECRETCANARY0serve0auth0abcdefABCDEF1234"
REGION = "us-east-1"


@pytest.fixture
def creds_file(tmp_path: Path) -> Path:
    path = tmp_path / "credentials"
    path.write_text(
        f"[default]\naws_access_key_id = {ACCESS_KEY}\naws_secret_access_key = {SECRET_KEY}\n"
        "[other]\naws_access_key_id = AKIDOTHER\naws_secret_access_key = other-secret\n"
    )
    return path


@pytest.fixture
def server(serve_factory: ServeFactory, creds_file: Path) -> BackgroundServer:
    return serve_factory(auth="sigv4", credentials_file=creds_file)


def client(
    service: str, url: str, key: str = ACCESS_KEY, secret: str = SECRET_KEY, **cfg: Any
) -> Any:
    config = Config(retries={"max_attempts": 1, "mode": "standard"}, **cfg)
    if service == "s3":
        config = config.merge(Config(s3={"addressing_style": "path"}))
    return boto3.client(
        service,
        endpoint_url=url,
        region_name=REGION,
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        config=config,
    )


def error_of(call: Any, **params: Any) -> tuple[str, int, str]:
    with pytest.raises(ClientError) as info:
        call(**params)
    err = info.value.response
    return err["Error"]["Code"], err["ResponseMetadata"]["HTTPStatusCode"], err["Error"]["Message"]


def test_valid_signatures_are_served_for_every_service(server: BackgroundServer) -> None:
    s3 = client("s3", server.url)
    s3.create_bucket(Bucket="auth-ok")
    s3.put_object(Bucket="auth-ok", Key="k", Body=b"signed body")
    assert s3.get_object(Bucket="auth-ok", Key="k")["Body"].read() == b"signed body"
    ddb = client("dynamodb", server.url)
    assert ddb.list_tables()["TableNames"] == []
    assert client("lambda", server.url).list_functions()["Functions"] == []
    # A second profile of the file is accepted too.
    other = client("s3", server.url, key="AKIDOTHER", secret="other-secret")
    assert other.head_object(Bucket="auth-ok", Key="k")["ContentLength"] == 11


# https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList
def test_s3_wrong_secret_is_SignatureDoesNotMatch_and_unknown_key_InvalidAccessKeyId(
    server: BackgroundServer,
) -> None:
    bad_secret = client("s3", server.url, secret="not-the-secret")
    code, status, message = error_of(bad_secret.list_buckets)
    assert (code, status) == ("SignatureDoesNotMatch", 403)
    assert message.startswith("The request signature we calculated does not match")
    unknown = client("s3", server.url, key="AKIDNOSUCHKEY")
    code, status, message = error_of(unknown.list_buckets)
    assert (code, status) == ("InvalidAccessKeyId", 403)
    assert message == "The AWS access key Id you provided does not exist in our records."


def test_s3_unsigned_request_is_AccessDenied(server: BackgroundServer) -> None:
    client("s3", server.url).create_bucket(Bucket="private")
    anonymous = client("s3", server.url, signature_version=UNSIGNED)
    assert error_of(anonymous.list_objects_v2, Bucket="private")[:2] == ("AccessDenied", 403)


# https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html
def test_dynamodb_auth_errors_are_json_400s(server: BackgroundServer) -> None:
    unknown = client("dynamodb", server.url, key="AKIDNOSUCHKEY")
    assert error_of(unknown.list_tables) == (
        "UnrecognizedClientException",
        400,
        "The security token included in the request is invalid.",
    )
    bad_secret = client("dynamodb", server.url, secret="not-the-secret")
    code, status, message = error_of(bad_secret.list_tables)
    assert (code, status) == ("InvalidSignatureException", 400)
    assert "Check your AWS Secret Access Key and signing method." in message
    anonymous = client("dynamodb", server.url, signature_version=UNSIGNED)
    assert error_of(anonymous.list_tables)[:2] == ("MissingAuthenticationTokenException", 400)


def test_tampered_dynamodb_body_fails_the_signature(server: BackgroundServer) -> None:
    ddb = client("dynamodb", server.url)

    def tamper(request: Any, **_: Any) -> None:
        request.body = request.body.replace(b"tbl-a", b"tbl-b")

    ddb.meta.events.register_last("before-send.dynamodb", tamper)
    assert error_of(ddb.describe_table, TableName="tbl-a")[0] == "InvalidSignatureException"


# https://docs.aws.amazon.com/lambda/latest/api/CommonErrors.html
def test_lambda_auth_errors_are_403s(server: BackgroundServer) -> None:
    unknown = client("lambda", server.url, key="AKIDNOSUCHKEY")
    assert error_of(unknown.list_functions)[:2] == ("UnrecognizedClientException", 403)
    bad_secret = client("lambda", server.url, secret="not-the-secret")
    assert error_of(bad_secret.list_functions)[:2] == ("InvalidSignatureException", 403)


def _signed_at(monkeypatch: pytest.MonkeyPatch, when: datetime) -> None:
    # botocore's signers (its own and, with awscrt installed, the CRT ones) read the clock
    # through botocore.utils.get_current_datetime; move that clock, not awsrec's.
    def clock(remove_tzinfo: bool = True) -> datetime:
        return when.replace(tzinfo=None) if remove_tzinfo else when

    monkeypatch.setattr("botocore.auth.get_current_datetime", clock)
    monkeypatch.setattr("botocore.crt.auth.get_current_datetime", clock, raising=False)


def test_clock_skew_is_RequestTimeTooSkewed_for_s3(
    server: BackgroundServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    s3 = client("s3", server.url)
    _signed_at(monkeypatch, datetime.now(UTC) - timedelta(minutes=20))
    code, status, message = error_of(s3.list_buckets)
    assert (code, status) == ("RequestTimeTooSkewed", 403)
    assert message == "The difference between the request time and the current time is too large."
    _signed_at(monkeypatch, datetime.now(UTC) + timedelta(minutes=20))
    assert error_of(s3.list_buckets)[0] == "RequestTimeTooSkewed"
    _signed_at(monkeypatch, datetime.now(UTC) - timedelta(minutes=10))  # within 15 minutes
    assert s3.list_buckets()["Buckets"] == []


def test_clock_skew_on_dynamodb_is_an_expired_signature(
    server: BackgroundServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    ddb = client("dynamodb", server.url)
    _signed_at(monkeypatch, datetime.now(UTC) - timedelta(hours=1))
    code, status, message = error_of(ddb.list_tables)
    assert (code, status) == ("InvalidSignatureException", 400)
    assert message.startswith("Signature expired: ")


def _fetch(url: str, method: str = "GET", data: bytes | None = None) -> tuple[int, bytes]:
    # An empty Content-Type: urllib would otherwise add a form type the URL did not sign.
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": ""})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


# boto3 presigns S3 with SigV2 query auth by default in us-east-1, with SigV4 when asked.
# https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
@pytest.mark.parametrize("version", ["s3v4", None])
def test_presigned_put_and_get_work(server: BackgroundServer, version: str | None) -> None:
    s3 = client("s3", server.url, signature_version=version)
    s3.create_bucket(Bucket="presigned")
    where = {"Bucket": "presigned", "Key": "a b.txt"}
    put = s3.generate_presigned_url("put_object", Params=where, ExpiresIn=300)
    assert ("X-Amz-Signature=" in put) == (version == "s3v4")
    assert _fetch(put, "PUT", b"uploaded via URL")[0] == 200
    get = s3.generate_presigned_url("get_object", Params=where, ExpiresIn=300)
    assert _fetch(get) == (200, b"uploaded via URL")
    status, body = _fetch(get.replace("a%20b.txt", "other.txt"))
    assert status == 403
    assert b"<Code>SignatureDoesNotMatch</Code>" in body
    status, body = _fetch(put, "POST", b"other method")
    assert status == 403


def test_presigned_url_expires(server: BackgroundServer, monkeypatch: pytest.MonkeyPatch) -> None:
    s3 = client("s3", server.url, signature_version="s3v4")
    s3.create_bucket(Bucket="expiring")
    s3.put_object(Bucket="expiring", Key="k", Body=b"x")
    _signed_at(monkeypatch, datetime.now(UTC) - timedelta(seconds=120))
    url = s3.generate_presigned_url(
        "get_object", Params={"Bucket": "expiring", "Key": "k"}, ExpiresIn=60
    )
    status, body = _fetch(url)
    assert status == 403
    assert b"<Code>AccessDenied</Code><Message>Request has expired</Message>" in body
    assert b"<X-Amz-Expires>60</X-Amz-Expires>" in body
    # Signed two minutes ago but valid for an hour: still good.
    url = s3.generate_presigned_url(
        "get_object", Params={"Bucket": "expiring", "Key": "k"}, ExpiresIn=3600
    )
    assert _fetch(url) == (200, b"x")


def test_presigned_v2_url_expires(server: BackgroundServer) -> None:
    client("s3", server.url).create_bucket(Bucket="expiring-v2")
    # Signed by hand (RESTAuthentication.html#RESTAuthenticationQueryStringAuth), an hour ago.
    expires = str(int(time.time()) - 3600)
    to_sign = f"GET\n\n\n{expires}\n/expiring-v2/k"
    mac = hmac.new(SECRET_KEY.encode(), to_sign.encode(), hashlib.sha1).digest()
    query = urlencode(
        {"AWSAccessKeyId": ACCESS_KEY, "Expires": expires, "Signature": base64.b64encode(mac)}
    )
    status, body = _fetch(f"{server.url}/expiring-v2/k?{query}")
    assert status == 403
    assert b"<Message>Request has expired</Message>" in body


def test_admin_api_is_not_behind_sigv4(server: BackgroundServer) -> None:
    assert admin(server.url, "health")[0] == 200


def _serve_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "awsrec", "serve", "--port", "0", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--auth", "sigv4"], "awsrec: error: --auth sigv4 needs --credentials FILE\n"),
        (["--auth", "sigv2", "--credentials", "c"], "awsrec: error: --auth 'sigv2' is not"),
        (["--credentials", "c"], "awsrec: error: --credentials needs --auth sigv4\n"),
        (["--auth", "sigv4", "--credentials", "/nonexistent/c"], "awsrec: error: --credentials"),
    ],
)
def test_cli_auth_option_errors_are_one_line(args: list[str], expected: str) -> None:
    done = _serve_cli(*args)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(expected)
    assert done.stderr.count("\n") == 1


def test_cli_serves_with_auth(serve_process: Any, creds_file: Path) -> None:
    server = serve_process(["--auth", "sigv4", "--credentials", str(creds_file)])
    assert client("s3", server.url).list_buckets()["Buckets"] == []
    assert error_of(client("s3", server.url, secret="wrong").list_buckets)[0] == (
        "SignatureDoesNotMatch"
    )
