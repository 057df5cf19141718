"""Re-signing: awsrec's own SigV4 signer writes exactly the headers botocore's signer writes."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from awsrec.aws import botocore_adapter
from awsrec.aws.sigv4 import resign, sign_v4, signing_key, verify_sigv4

Pairs = list[tuple[str, str]]
CREDS = ("AKIDSIGNINGTEST00001", "signing-test-secret-key-0123456789abcdef", None)
TOKENED = ("AKIDSIGNINGTEST00001", "signing-test-secret-key-0123456789abcdef", "tok/en+==")


def _both(
    method: str,
    url: str,
    headers: Pairs,
    body: bytes,
    service: str,
    creds: tuple[str, str, str | None] = CREDS,
    keep: str | None = None,
) -> tuple[Pairs, Pairs]:
    """botocore's headers, and ours signed at the very timestamp botocore used."""
    kw = {"service": service, "region": "eu-west-1", "credentials": creds, "keep_payload": keep}
    theirs = botocore_adapter.sign_headers(method, url, headers, body, **kw)  # type: ignore[arg-type]
    stamp = next(v for k, v in theirs if k == "X-Amz-Date") if "Date" not in dict(theirs) else ""
    if not stamp:
        # With a Date header botocore signs the timestamp it formats into Date.
        auth = dict(theirs)["Authorization"]
        day = auth.split("Credential=")[1].split("/")[1]
        stamp = _stamp_of(dict(theirs)["Date"], day)
    ours = sign_v4(method, url, headers, body, timestamp=stamp, **kw)  # type: ignore[arg-type]
    return theirs, ours


def _stamp_of(date_header: str, day: str) -> str:
    import email.utils

    parsed = email.utils.parsedate_to_datetime(date_header)
    assert parsed.strftime("%Y%m%d") == day
    return parsed.strftime("%Y%m%dT%H%M%SZ")


CASES = [
    ("GET", "https://s3.eu-west-1.amazonaws.com/bkt/a%20b/c+d?list-type=2&prefix=a/b", [], b""),
    ("PUT", "http://127.0.0.1:5000/bkt/key", [("Content-MD5", "abc=="), ("Expect", "100")], b"x"),
    (
        "POST",
        "https://dynamodb.eu-west-1.amazonaws.com/",
        [("X-Amz-Target", "DynamoDB.GetItem")],
        b"{}",
    ),
    ("GET", "http://127.0.0.1:1/2015-03-31/functions/a/../b//c/./d/", [], b""),
    ("GET", "http://127.0.0.1:1/2015-03-31/functions/f%3Aalias/invocations", [], b""),
    ("GET", "http://[::1]:8080/x?b=2&a=1&a=0&empty=&flag", [("A", " two  spaces ")], b""),
    ("HEAD", "http://localhost:80/", [("X-Dup", "1"), ("x-dup", "2"), ("User-Agent", "u")], b""),
    ("GET", "https://lambda.eu-west-1.amazonaws.com/?q=%E2%9C%93", [("Date", "x")], b""),
]


@pytest.mark.parametrize("service", ["s3", "dynamodb", "lambda"])
@pytest.mark.parametrize(("method", "url", "headers", "body"), CASES)
@pytest.mark.parametrize("creds", [CREDS, TOKENED], ids=["keys", "session"])
def test_same_headers_as_botocore(
    method: str,
    url: str,
    headers: Pairs,
    body: bytes,
    service: str,
    creds: tuple[str, str, str | None],
) -> None:
    theirs, ours = _both(method, url, headers, body, service, creds)
    assert ours == theirs


@pytest.mark.parametrize("keep", ["UNSIGNED-PAYLOAD", "STREAMING-UNSIGNED-PAYLOAD-TRAILER"])
def test_s3_keeps_a_declared_payload_form(keep: str) -> None:
    theirs, ours = _both("PUT", "https://h/b/k", [], b"body", "s3", keep=keep)
    assert ours == theirs
    assert ("X-Amz-Content-SHA256", keep) in ours


def test_a_declared_payload_hash_is_signed_as_is_outside_s3() -> None:
    headers = [("X-Amz-Content-SHA256", "UNSIGNED-PAYLOAD")]
    theirs, ours = _both("POST", "https://h/", headers, b"{}", "lambda")
    assert ours == theirs


_text = st.text(st.characters(min_codepoint=32, max_codepoint=0x2FF), max_size=12)
_name = st.text(st.sampled_from("abcXYZ-_"), min_size=1, max_size=8)
_segment = st.text(st.sampled_from("ab.~%20+:=@!$'()*,;"), max_size=6)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    method=st.sampled_from(["GET", "PUT", "POST", "DELETE", "HEAD"]),
    segments=st.lists(_segment, max_size=5),
    query=st.lists(st.tuples(_text, _text), max_size=4),
    headers=st.lists(st.tuples(_name, _text), max_size=5),
    body=st.binary(max_size=40),
    service=st.sampled_from(["s3", "dynamodb", "lambda", "sts"]),
    token=st.booleans(),
)
def test_any_request_signs_like_botocore(
    method: str,
    segments: list[str],
    query: list[tuple[str, str]],
    headers: Pairs,
    body: bytes,
    service: str,
    token: bool,
) -> None:
    raw_query = "&".join(f"{quote(k, safe='')}={quote(v, safe='/')}" for k, v in query)
    url = "https://127.0.0.1:4443/" + "/".join(segments) + (f"?{raw_query}" if raw_query else "")
    headers = [(k, v) for k, v in headers if k.lower() not in ("date", "host")]
    theirs, ours = _both(method, url, headers, body, service, TOKENED if token else CREDS)
    assert ours == theirs


def test_resigned_requests_verify_and_keys_are_cached() -> None:
    signing_key.cache_clear()
    for n in range(3):
        body = f"body {n}".encode()
        signed = resign(
            "PUT",
            f"http://127.0.0.1:9000/bkt/k{n}",
            [("Host", "127.0.0.1:1234"), ("Content-Length", str(len(body)))],
            body,
            service="s3",
            region="eu-west-1",
            access_key=CREDS[0],
            secret_key=CREDS[1],
        )
        assert signed[0] == ("Host", "127.0.0.1:9000")
        assert verify_sigv4("PUT", f"/bkt/k{n}", [], signed, body, CREDS[1])
        assert not verify_sigv4("PUT", f"/bkt/k{n}x", [], signed, body, CREDS[1])
    # One derivation per (day, region, service), however many requests it signs.
    info = signing_key.cache_info()
    assert (info.misses, info.hits) in ((1, 2), (2, 1))  # (2, 1): the clock passed midnight
