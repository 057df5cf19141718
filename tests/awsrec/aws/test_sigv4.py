"""SigV4: parse, strip, re-sign and verify, on requests real boto3 clients sent over loopback."""

from __future__ import annotations

import urllib.request
from urllib.parse import parse_qsl, urlsplit

import pytest
from botocore.exceptions import ClientError

from awsrec.aws.sigv4 import parse_sigv4, resign, strip_signing, verify_sigv4
from tests.awsrec.aws.conftest import client
from tests.awsrec.aws.probe import SECRET, Seen, _ProbeServer


def _send(probe: _ProbeServer, service: str, method: str, **params: object) -> Seen:
    probe.take()
    with pytest.raises(ClientError):
        getattr(client(service, probe), method)(**params)
    return probe.take()[0]


def test_parse_header_form(probe: _ProbeServer) -> None:
    seen = _send(probe, "dynamodb", "describe_table", TableName="tbl")
    info = parse_sigv4(seen.headers, seen.query)
    assert info is not None
    assert (info.access_key, info.region, info.service, info.presigned) == (
        "AKIDEXAMPLE",
        "us-east-1",
        "dynamodb",
        False,
    )
    assert {"host", "x-amz-date"} <= set(info.signed_headers)
    assert len(info.signature) == 64
    assert info.timestamp.startswith(info.date)
    assert info.timestamp.endswith("Z")


def test_strip_keeps_the_payload_form(probe: _ProbeServer) -> None:
    seen = _send(probe, "s3", "put_object", Bucket="amzn-s3-demo-bucket", Key="k", Body=b"x")
    headers, query = strip_signing(seen.headers + [("X-Amz-Security-Token", "tok")], [("a", "1")])
    names = {k.lower() for k, _ in headers}
    assert not names & {"authorization", "x-amz-date", "x-amz-security-token"}
    assert "x-amz-content-sha256" in names
    assert query == [("a", "1")]
    assert parse_sigv4(headers, query) is None


@pytest.mark.parametrize("service", ["dynamodb", "s3", "lambda"])
def test_resign_then_verify_round_trip(probe: _ProbeServer, service: str) -> None:
    calls = {
        "dynamodb": ("put_item", {"TableName": "t", "Item": {"k": {"S": "v w"}}}),
        "s3": ("put_object", {"Bucket": "amzn-s3-demo-bucket", "Key": "a b+c", "Body": b"data"}),
        "lambda": ("invoke", {"FunctionName": "fn", "Payload": b"{}"}),
    }
    method, params = calls[service]
    seen = _send(probe, service, method, **params)
    assert seen.signature_ok
    assert verify_sigv4(seen.method, seen.raw_path, seen.query, seen.headers, seen.body, SECRET)
    assert not verify_sigv4(
        seen.method, seen.raw_path, seen.query, seen.headers, seen.body, "other"
    )

    target = "upstream.example:8443"
    query_string = "&".join(f"{k}={v}" for k, v in seen.query)
    url = f"https://{target}{seen.raw_path}" + (f"?{query_string}" if query_string else "")
    new_headers = resign(
        seen.method,
        url,
        seen.headers,
        seen.body,
        service=service,
        region="eu-west-1",
        access_key="AKIDNEW",
        secret_key="new-secret",
        session_token="session-tok",
    )
    info = parse_sigv4(new_headers, [])
    assert info is not None
    assert (info.access_key, info.region, info.service) == ("AKIDNEW", "eu-west-1", service)
    assert ("Host", target) in new_headers
    assert ("X-Amz-Security-Token", "session-tok") in new_headers
    assert "x-amz-security-token" in info.signed_headers
    args = (seen.method, seen.raw_path, seen.query, new_headers)
    assert verify_sigv4(*args, seen.body, "new-secret")
    assert not verify_sigv4(*args, seen.body, SECRET)
    if service != "s3":  # S3 signs the declared x-amz-content-sha256, checked by S3 itself
        assert not verify_sigv4(*args, seen.body + b" ", "new-secret")


@pytest.mark.parametrize("payload", ["UNSIGNED-PAYLOAD", "STREAMING-UNSIGNED-PAYLOAD-TRAILER"])
def test_resign_keeps_unsigned_and_streaming_payload_hashes(payload: str) -> None:
    headers = [
        ("Host", "127.0.0.1:1"),
        ("x-amz-content-sha256", payload),
        ("Content-Encoding", "aws-chunked"),
        (
            "Authorization",
            "AWS4-HMAC-SHA256 Credential=A/20240101/us-east-1/s3/aws4_request, "
            "SignedHeaders=host, Signature=00",
        ),
    ]
    new = resign(
        "PUT",
        "http://127.0.0.1:2/b/k",
        headers,
        b"5\r\nhello\r\n0\r\n\r\n",
        service="s3",
        region="us-east-1",
        access_key="AKID",
        secret_key="s",
    )
    assert [v for k, v in new if k.lower() == "x-amz-content-sha256"] == [payload]
    assert verify_sigv4("PUT", "/b/k", [], new, b"ignored: the payload is not hashed", "s")


def test_resign_rehashes_a_signed_s3_payload() -> None:
    headers = [("x-amz-content-sha256", "0" * 64), ("Host", "x")]
    new = resign(
        "PUT",
        "http://127.0.0.1:2/b/k",
        headers,
        b"abc",
        service="s3",
        region="us-east-1",
        access_key="AKID",
        secret_key="s",
    )
    sha = [v for k, v in new if k.lower() == "x-amz-content-sha256"]
    assert sha == ["ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"]
    assert verify_sigv4("PUT", "/b/k", [], new, b"abc", "s")


@pytest.mark.parametrize(
    ("method", "params"),
    [
        ("get_object", {"Bucket": "amzn-s3-demo-bucket", "Key": "dir/a b+c%.txt"}),
        ("put_object", {"Bucket": "amzn-s3-demo-bucket", "Key": "k", "ContentType": "text/plain"}),
    ],
)
def test_presigned_url_parses_and_verifies(
    probe: _ProbeServer, method: str, params: dict[str, str]
) -> None:
    s3 = client("s3", probe, signature_version="s3v4")
    url = s3.generate_presigned_url(method, Params=params, ExpiresIn=900)
    split = urlsplit(url)
    query = parse_qsl(split.query, keep_blank_values=True)
    info = parse_sigv4([], query)
    assert info is not None
    assert (info.presigned, info.service, info.region, info.expires) == (
        True,
        "s3",
        "us-east-1",
        900,
    )

    probe.take()
    http_method = "GET" if method == "get_object" else "PUT"
    headers = {"Content-Type": "text/plain"} if method == "put_object" else {}
    request = urllib.request.Request(
        url, method=http_method, data=b"body" if method == "put_object" else None, headers=headers
    )
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(request, timeout=10)
    seen = probe.take()[0]
    assert seen.service == "s3"
    assert seen.operation == ("GetObject" if method == "get_object" else "PutObject")
    assert seen.signature_ok

    tampered = [(k, "dir/other" if k == "X-Amz-Expires" else v) for k, v in seen.query]
    assert not verify_sigv4(seen.method, seen.raw_path, tampered, seen.headers, b"", SECRET)
    assert not verify_sigv4(seen.method, seen.raw_path + "x", seen.query, seen.headers, b"", SECRET)
    _, stripped = strip_signing(seen.headers, seen.query)
    assert all(not k.startswith("X-Amz-") for k, _ in stripped)


def test_not_signed_is_none() -> None:
    assert parse_sigv4([("Authorization", "Bearer x")], []) is None
    assert parse_sigv4([], [("X-Amz-Credential", "garbage")]) is None
    assert not verify_sigv4("GET", "/", [], [], b"", "s")


def test_sigv2_presigned_url_is_still_s3(probe: _ProbeServer) -> None:
    # boto3 presigns S3 URLs with SigV2 unless told s3v4; such requests carry no scope.
    url = client("s3", probe).generate_presigned_url(
        "get_object", Params={"Bucket": "amzn-s3-demo-bucket", "Key": "k"}
    )
    assert "AWSAccessKeyId=" in url
    probe.take()
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(url, timeout=10)
    seen = probe.take()[0]
    assert (seen.service, seen.operation, seen.signature_ok) == ("s3", "GetObject", False)


def test_resign_canonicalises_a_loosely_encoded_query() -> None:
    # A client may send "prefix=a/b c" unencoded; AWS signs the canonical (%2F, %20) form.
    for url, query in [
        (
            "http://127.0.0.1:2/b?prefix=a/b c&list-type=2",
            [("prefix", "a/b c"), ("list-type", "2")],
        ),
        (
            "http://127.0.0.1:2/b?prefix=a%2Fb%20c&list-type=2",
            [("prefix", "a/b c"), ("list-type", "2")],
        ),
        ("http://127.0.0.1:2/b/k?uploads", [("uploads", "")]),
    ]:
        new = resign(
            "GET",
            url,
            [("Host", "x")],
            b"",
            service="s3",
            region="us-east-1",
            access_key="AKID",
            secret_key="s",
        )
        path = urlsplit(url).path
        assert verify_sigv4("GET", path, query, new, b"", "s"), url
