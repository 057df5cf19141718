"""Hostile HTTP to a live serve: AWS-shaped 4xx (or a closed connection), never a 500, still up."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from replayer.server.config import ServeConfig
from replayer.server.run import BackgroundServer
from tests.reliability.wire import FRAMING_REJECT, Reply, exchange, leaks, request
from tests.replayer.conftest import ddb_client, s3_client, signed_for

Headers = list[tuple[bytes, bytes]]


def _signed(service: str) -> Headers:
    return [(k.encode(), v.encode()) for k, v in signed_for(service).items()]


S3 = _signed("s3")
DDB = _signed("dynamodb") + [(b"Content-Type", b"application/x-amz-json-1.0")]
LAMBDA = _signed("lambda")
AWS_CHUNKED = [
    (b"Content-Encoding", b"aws-chunked"),
    (b"x-amz-content-sha256", b"STREAMING-UNSIGNED-PAYLOAD-TRAILER"),
]


def _ddb(op: bytes, body: bytes) -> bytes:
    return request(b"POST", b"/", DDB + [(b"X-Amz-Target", b"DynamoDB_20120810." + op)], body)


def _nested(open_: bytes, close: bytes, depth: int, inner: bytes = b'{"S":"x"}') -> bytes:
    return open_ * depth + inner + close * depth


_BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
    + b"".join(
        b'<!ENTITY %c "%s">' % (c, (b"&%c;" % (c - 1)) * 10) for c in range(ord("b"), ord("j"))
    )
    + b"]><Delete><Object><Key>&i;</Key></Object></Delete>"
)

_RAW_HEAD = b"GET /fuzz/k HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
# Hand-picked hostile requests: name -> raw bytes.
CORPUS: dict[str, bytes] = {
    "bad method": request(b"FROB", b"/fuzz/k", S3),
    "lower-case method": request(b"get", b"/fuzz/k", S3),
    "method with NUL": request(b"G\x00ET", b"/fuzz/k", S3),
    "huge method": request(b"X" * 70000, b"/fuzz/k", S3),
    "header without colon": _RAW_HEAD + b"NoColon\r\n\r\n",
    "header with CR": request(b"GET", b"/fuzz/k", S3 + [(b"X-A", b"a\rb")]),
    "obs-fold header": _RAW_HEAD + b"X-A: a\r\n b\r\n\r\n",
    "two content-lengths": request(b"PUT", b"/fuzz/k", S3 + [(b"Content-Length", b"3")], b"ab"),
    "negative content-length": request(
        b"PUT", b"/fuzz/n", S3 + [(b"Content-Length", b"-5")], length=False
    ),
    "CL and TE": request(
        b"PUT", b"/fuzz/k", S3 + [(b"Transfer-Encoding", b"chunked")], b"0\r\n\r\n"
    ),
    "10 MB header": request(b"GET", b"/fuzz/k", S3 + [(b"X-Big", b"a" * 10_000_000)]),
    "10k headers": request(b"GET", b"/fuzz/k", S3 + [(b"X-H%d" % i, b"v") for i in range(10000)]),
    "bad chunk size": request(
        b"PUT",
        b"/fuzz/c",
        S3 + [(b"Transfer-Encoding", b"chunked")],
        b"zz\r\nabc\r\n0\r\n\r\n",
        length=False,
    ),
    "chunk longer than said": request(
        b"PUT",
        b"/fuzz/c",
        S3 + [(b"Transfer-Encoding", b"chunked")],
        b"2\r\nabcdef\r\n0\r\n\r\n",
        length=False,
    ),
    "aws-chunked bad size": request(
        b"PUT",
        b"/fuzz/ac",
        S3 + AWS_CHUNKED + [(b"x-amz-decoded-content-length", b"5")],
        b"zz\r\nhello\r\n0\r\n\r\n",
    ),
    "aws-chunked absurd size": request(
        b"PUT",
        b"/fuzz/ac",
        S3 + AWS_CHUNKED + [(b"x-amz-decoded-content-length", b"9" * 30)],
        b"ffffffffffffffff\r\nhello\r\n0\r\n\r\n",
    ),
    "aws-chunked short": request(
        b"PUT",
        b"/fuzz/ac",
        S3 + AWS_CHUNKED + [(b"x-amz-decoded-content-length", b"50")],
        b"32\r\nhello\r\n",
    ),
    "aws-chunked bad signature": request(
        b"PUT",
        b"/fuzz/ac",
        S3
        + [
            (b"Content-Encoding", b"aws-chunked"),
            (b"x-amz-content-sha256", b"STREAMING-AWS4-HMAC-SHA256-PAYLOAD"),
            (b"x-amz-decoded-content-length", b"5"),
        ],
        b"5;chunk-signature=zz\r\nhello\r\n",
    ),
    "bad XML": request(b"POST", b"/fuzz?delete", S3, b"<Delete><Object><Key>a</Key>"),
    "XML entity bomb": request(b"POST", b"/fuzz?delete", S3, _BOMB),
    "deep XML": request(b"POST", b"/fuzz?delete", S3, _nested(b"<a>", b"</a>", 100000, b"")),
    "XML with NUL": request(b"POST", b"/fuzz?delete", S3, b"<Delete>\x00</Delete>"),
    "bad complete XML": request(
        b"POST",
        b"/fuzz/k?uploadId=zzz",
        S3,
        b"<CompleteMultipartUpload><Part><PartNumber>9" * 3 + b"</PartNumber></Part>",
    ),
    "bad JSON": _ddb(b"PutItem", b'{"TableName":'),
    "JSON array": _ddb(b"PutItem", b"[1,2]"),
    "JSON invalid UTF-8": _ddb(b"GetItem", b'{"TableName":"fuzz-table","Key":{"pk":{"S":"\xff"}}}'),
    "deep JSON": _ddb(b"PutItem", _nested(b"[", b"]", 100000, b"")),
    "deep item": _ddb(
        b"PutItem",
        b'{"TableName":"fuzz-table","Item":{"pk":{"S":"a"},"x":'
        + _nested(b'{"M":{"a":', b"}}", 500)
        + b"}}",
    ),
    "deep list item": _ddb(
        b"PutItem",
        b'{"TableName":"fuzz-table","Item":{"pk":{"S":"a"},"x":'
        + _nested(b'{"L":[', b"]}", 5000)
        + b"}}",
    ),
    "huge number": _ddb(
        b"PutItem", b'{"TableName":"fuzz-table","Item":{"pk":{"S":"a"},"n":{"N":"1e999999"}}}'
    ),
    "bad target": request(b"POST", b"/", DDB + [(b"X-Amz-Target", b"\xff\xfe.Nope")], b"{}"),
    "lambda deep JSON": request(
        b"POST", b"/2015-03-31/functions", LAMBDA, b'{"FunctionName":' + b"[" * 50000
    ),
    "lambda invalid UTF-8 name": request(
        b"POST", b"/2015-03-31/functions/%FF/invocations", LAMBDA, b"{"
    ),
    "percent-encoded invalid UTF-8 key": request(b"PUT", b"/fuzz/%FF%FE", S3, b"x"),
    "raw invalid UTF-8 key": request(b"PUT", b"/fuzz/\xff\xfe", S3, b"x"),
    "overlong key": request(b"PUT", b"/fuzz/" + b"k" * 5000, S3, b"x"),
    "dot-dot key": request(b"PUT", b"/fuzz/../../../etc/passwd", S3, b"x"),
    "encoded dot-dot key": request(b"GET", b"/fuzz/%2e%2e%2f%2e%2e%2fetc%2fpasswd", S3),
    "range beyond int64": request(
        b"GET", b"/fuzz/k", S3 + [(b"Range", b"bytes=" + b"9" * 40 + b"-")]
    ),
    "range reversed": request(b"GET", b"/fuzz/k", S3 + [(b"Range", b"bytes=5-2")]),
    "range suffix huge": request(b"GET", b"/fuzz/k", S3 + [(b"Range", b"bytes=-" + b"9" * 40)]),
    "range 20k parts": request(
        b"GET",
        b"/fuzz/k",
        S3 + [(b"Range", b"bytes=" + b",".join(b"%d-%d" % (i, i) for i in range(20000)))],
    ),
    "range garbage": request(b"GET", b"/fuzz/k", S3 + [(b"Range", b"bytes=1e5-\xff")]),
    "part number absurd": request(
        b"PUT", b"/fuzz/k?partNumber=99999999999999999999&uploadId=x", S3, b"x"
    ),
    "max-keys absurd": request(b"GET", b"/fuzz?list-type=2&max-keys=99999999999999999999", S3),
    "max-keys negative": request(b"GET", b"/fuzz?list-type=2&max-keys=-1", S3),
    "bad query encoding": request(b"GET", b"/fuzz?list-type=2&prefix=%ZZ%", S3),
    "HTTP/0.9": b"GET /fuzz/k\r\n\r\n",
    "binary garbage": bytes(range(256)) * 4,
    "no service": request(b"GET", b"/", []),
}


@pytest.fixture(scope="module")
def server() -> Iterator[BackgroundServer]:
    srv = BackgroundServer(ServeConfig(port=0)).start()
    s3 = s3_client(srv.url)
    s3.create_bucket(Bucket="fuzz")
    s3.put_object(Bucket="fuzz", Key="k", Body=b"0123456789")
    ddb_client(srv.url).create_table(
        TableName="fuzz-table",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    yield srv
    srv.stop()


def check(reply: Reply, what: str) -> None:
    """The hostile-input contract for one reply."""
    assert not leaks(reply), f"{what}: traceback leaked: {reply.raw[:300]!r}"
    if reply.status is None:
        return  # closed without an answer: allowed for framing it cannot parse
    assert reply.status != 500, f"{what}: 500 {reply.body[:300]!r}"
    assert reply.status < 500 or reply.status in (501, 503), f"{what}: {reply.status}"
    if reply.status >= 400:
        # HEAD errors have no body: the request id headers are their AWS form.
        head = not reply.body and (
            "x-amz-request-id" in reply.headers or "x-amzn-requestid" in reply.headers
        )
        assert head or reply.aws_code is not None or reply.body == FRAMING_REJECT, (
            f"{what}: {reply.status} is not AWS-shaped: {reply.raw[:300]!r}"
        )


def healthy(url: str) -> None:
    reply = exchange(url, request(b"GET", b"/_awsrec/health", []))
    assert reply.status == 200, reply.raw[:300]
    s3 = exchange(url, request(b"GET", b"/fuzz/k", S3))
    assert (s3.status, s3.body) == (200, b"0123456789")


def _report(record_property: Callable[[str, Any], None], name: str, count: int) -> None:
    print(f"\n{name}: {count} hostile inputs tried")
    record_property(name, count)


def test_corpus_of_hostile_requests(
    server: BackgroundServer, record_property: Callable[[str, Any], None]
) -> None:
    for name, data in CORPUS.items():
        check(exchange(server.url, data), name)
    healthy(server.url)
    _report(record_property, "fuzz_corpus_inputs", len(CORPUS))


def test_truncated_uploads_leave_the_server_serving(
    server: BackgroundServer, record_property: Callable[[str, Any], None]
) -> None:
    cases = [
        request(b"PUT", b"/fuzz/t1", S3 + [(b"Content-Length", b"1000")], b"x" * 10, length=False),
        request(b"POST", b"/", DDB + [(b"Content-Length", b"500")], b'{"Table', length=False),
        request(
            b"PUT", b"/fuzz/t2", S3 + [(b"Transfer-Encoding", b"chunked")], b"a\r\nab", length=False
        ),
        request(
            b"PUT",
            b"/fuzz/t3",
            S3 + AWS_CHUNKED + [(b"x-amz-decoded-content-length", b"99")],
            b"63\r\nabc",
        ),
        b"GET /fuzz/k HTTP/1.1\r\nHost: x\r\nX-Half: ",
    ]
    for data in cases:
        exchange(server.url, data, close_after_send=True)
    healthy(server.url)
    # Nothing half-uploaded is visible.
    listed = exchange(server.url, request(b"GET", b"/fuzz?list-type=2", S3))
    assert listed.status == 200
    assert b"<Key>t1</Key>" not in listed.body
    assert b"<Key>t2</Key>" not in listed.body
    assert b"<Key>t3</Key>" not in listed.body
    _report(record_property, "fuzz_truncated_inputs", len(cases))


_TOKENS = st.sampled_from([b"GET", b"PUT", b"POST", b"DELETE", b"HEAD", b"PATCH", b"OPTIONS"])
_METHODS = _TOKENS | st.binary(min_size=1, max_size=12)
_PATHS = st.lists(
    st.sampled_from([b"fuzz", b"k", b"fuzz-table", b"2015-03-31", b"functions", b"%FF", b"%00"])
    | st.binary(max_size=12).map(lambda b: b"".join(b"%%%02X" % c for c in b)),
    max_size=4,
).map(lambda segs: b"/" + b"/".join(segs))
_QUERY = st.lists(
    st.tuples(
        st.sampled_from(
            [
                b"list-type",
                b"max-keys",
                b"uploadId",
                b"partNumber",
                b"delete",
                b"prefix",
                b"tagging",
                b"versionId",
                b"X-Amz-Expires",
            ]
        )
        | st.binary(max_size=8).map(lambda b: b.hex().encode()),
        st.sampled_from([b"2", b"-1", b"99999999999999999999", b"", b"%FF"])
        | st.binary(max_size=8).map(lambda b: b.hex().encode()),
    ),
    max_size=3,
).map(lambda qs: b"&".join(k + b"=" + v for k, v in qs))
_VALUE = st.binary(max_size=64).map(lambda b: b.replace(b"\r", b"").replace(b"\n", b""))
_HEADERS = st.lists(
    st.tuples(
        st.sampled_from(
            [
                b"Range",
                b"Content-Type",
                b"X-Amz-Target",
                b"Content-MD5",
                b"If-Match",
                b"x-amz-content-sha256",
                b"Content-Encoding",
                b"x-amz-copy-source",
                b"x-amz-decoded-content-length",
                b"x-amz-checksum-crc32",
                b"X-Amz-Date",
            ]
        ),
        _VALUE,
    ),
    max_size=4,
)
_BODIES = (
    st.binary(max_size=512)
    | st.sampled_from([b"{}", b"[]", b"null", b'{"TableName":"fuzz-table"}', b"<Delete/>"])
    | st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=8),
        lambda inner: (
            st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
        ),
        max_leaves=20,
    ).map(lambda v: __import__("json").dumps(v).encode())
)
_SERVICES = st.sampled_from([S3, DDB, LAMBDA, []])


class _Count:
    n = 0


@settings(
    max_examples=500,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    method=_METHODS, path=_PATHS, query=_QUERY, service=_SERVICES, headers=_HEADERS, body=_BODIES
)
def test_generated_requests(
    server: BackgroundServer,
    method: bytes,
    path: bytes,
    query: bytes,
    service: Headers,
    headers: Headers,
    body: bytes,
) -> None:
    target = path + (b"?" + query if query else b"")
    data = request(method, target, service + headers, body)
    _Count.n += 1
    check(exchange(server.url, data), repr(data[:200]))
    if _Count.n % 50 == 0:
        healthy(server.url)


def test_generated_requests_count(
    server: BackgroundServer, record_property: Callable[[str, Any], None]
) -> None:
    healthy(server.url)
    if _Count.n:  # 0 when another xdist worker ran the generated test
        _report(record_property, "fuzz_generated_inputs", _Count.n)
