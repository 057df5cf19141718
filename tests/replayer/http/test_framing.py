"""awsrec's HTTP server on the wire: keep-alive, pipelining, request and response framing."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from tests.replayer.http.conftest import S3, AppServer, Wire, request

APP_500 = b"Internal Server Error"


def test_keep_alive_serves_many_requests_on_one_connection(lean: str) -> None:
    with Wire(lean) as wire:
        wire.send(request("PUT", "/kabucket", S3))
        assert wire.response().status == 200
        for i in range(5):
            wire.send(request("PUT", f"/kabucket/k{i}", S3, b"v%d" % i))
            assert wire.response().status == 200
        for i in range(5):
            wire.send(request("GET", f"/kabucket/k{i}", S3))
            resp = wire.response()
            assert (resp.status, resp.body) == (200, b"v%d" % i)
            assert resp.header("connection") is None  # still open, as HTTP/1.1 defaults


def test_pipelined_requests_are_answered_in_order_and_see_each_other(lean: str) -> None:
    # Sent in one write: each request must be applied after the one before it.
    burst = (
        request("PUT", "/pipebucket", S3)
        + request("PUT", "/pipebucket/k", S3, b"first")
        + request("GET", "/pipebucket/k", S3)
        + request("PUT", "/pipebucket/k", S3, b"second")
        + request("HEAD", "/pipebucket/k", S3)
        + request("GET", "/pipebucket/k", S3)
    )
    with Wire(lean) as wire:
        wire.send(burst)
        statuses = [wire.response().status, wire.response().status]
        first = wire.response()
        statuses.append(wire.response().status)
        head = wire.response("HEAD")
        second = wire.response()
    assert statuses == [200, 200, 200]
    assert first.body == b"first"
    assert head.header("content-length") == "6"
    assert second.body == b"second"


def test_pipelined_answers_keep_order_when_the_first_is_slowest(
    app_server: Callable[..., AppServer],
) -> None:
    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        delay = {"/slow": 0.2, "/fast": 0.0}.get(scope["path"], 0.0)
        await asyncio.sleep(delay)
        body = scope["path"].encode()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": body})

    server = app_server(app)
    with Wire(server.url) as wire:
        wire.send(request("GET", "/slow") + request("GET", "/fast") + request("GET", "/third"))
        assert [wire.response().body for _ in range(3)] == [b"/slow", b"/fast", b"/third"]


def test_chunked_request_body_is_stored_whole(lean: str) -> None:
    chunked = b"5\r\nhello\r\n1;ext=1\r\n \r\n5\r\nworld\r\n0\r\n\r\n"
    with Wire(lean) as wire:
        wire.send(request("PUT", "/chunkbucket", S3))
        assert wire.response().status == 200
        headers = {**S3, "Transfer-Encoding": "chunked"}
        wire.send(request("PUT", "/chunkbucket/k", headers) + chunked)
        assert wire.response().status == 200
        wire.send(request("GET", "/chunkbucket/k", S3))
        assert wire.response().body == b"hello world"


def test_head_has_length_but_no_body_and_the_connection_goes_on(lean: str) -> None:
    with Wire(lean) as wire:
        wire.send(request("PUT", "/headbucket", S3))
        wire.response()
        wire.send(request("PUT", "/headbucket/k", S3, b"x" * 1000))
        wire.response()
        wire.send(request("HEAD", "/headbucket/k", S3) + request("GET", "/headbucket/k", S3))
        head = wire.response("HEAD")
        assert head.header("content-length") == "1000"
        assert head.header("transfer-encoding") is None
        assert wire.response().body == b"x" * 1000  # the HEAD left no body bytes behind


def test_204_and_304_have_neither_body_nor_content_length(lean: str) -> None:
    with Wire(lean) as wire:
        wire.send(request("PUT", "/nobodybucket", S3))
        wire.response()
        wire.send(request("PUT", "/nobodybucket/k", S3, b"data"))
        etag = wire.response().header("etag")
        assert etag
        wire.send(request("GET", "/nobodybucket/k", {**S3, "If-None-Match": etag}))
        not_modified = wire.response()
        wire.send(request("DELETE", "/nobodybucket/k", S3))
        deleted = wire.response()
        wire.send(request("GET", "/nobodybucket/k", S3))
        after = wire.response()
    for resp in (not_modified, deleted):
        names = {name.lower() for name, _ in resp.headers}
        assert "content-length" not in names
        assert "transfer-encoding" not in names
    assert (not_modified.status, deleted.status, after.status) == (304, 204, 404)


def test_response_without_length_is_chunked_for_http11_and_closed_for_http10(
    app_server: Callable[..., AppServer],
) -> None:
    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        for piece in (b"ab", b"", b"cd"):
            await send({"type": "http.response.body", "body": piece, "more_body": True})
        await send({"type": "http.response.body", "body": b""})

    server = app_server(app)
    with Wire(server.url) as wire:
        wire.send(request("GET", "/") + request("GET", "/"))
        first, second = wire.response(), wire.response()
    assert first.header("transfer-encoding") == "chunked"
    assert (first.body, second.body) == (b"abcd", b"abcd")
    with Wire(server.url) as wire:
        wire.send(b"GET / HTTP/1.0\r\n\r\n")
        status, headers = wire.head()
        assert ("connection", "close") in headers
        assert wire.rest() == b"abcd"


def test_http10_keep_alive_is_honoured(lean: str) -> None:
    with Wire(lean) as wire:
        ask = b"GET /_awsrec/health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
        wire.send(ask)
        first = wire.response()
        assert first.header("connection") == "keep-alive"
        wire.send(ask)
        assert wire.response().status == first.status == 200


def test_connection_close_request_is_answered_then_closed(lean: str) -> None:
    with Wire(lean) as wire:
        wire.send(request("GET", "/_awsrec/health", {"Connection": "close"}))
        resp = wire.response()
        assert resp.status == 200
        assert resp.header("connection") == "close"
        assert wire.closed()


def test_unparseable_bytes_get_a_400_and_a_close(lean: str) -> None:
    with Wire(lean) as wire:
        wire.send(b"GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n")
        resp = wire.response()
        assert (resp.status, resp.body) == (400, b"Invalid HTTP request received.")
        assert wire.closed()


def test_garbage_after_a_good_request_is_answered_after_it(lean: str) -> None:
    with Wire(lean) as wire:
        wire.send(request("GET", "/_awsrec/health") + b"NOT HTTP AT ALL\r\n\r\n")
        assert wire.response().status == 200
        assert wire.response().status == 400
        assert wire.closed()


def test_app_failures_are_a_500_and_a_close(app_server: Callable[..., AppServer]) -> None:
    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["path"] == "/raise":
            raise ValueError("boom")
        if scope["path"] == "/crlf":
            headers = [(b"x-evil", b"a\r\nset-cookie: injected")]
            await send({"type": "http.response.start", "status": 200, "headers": headers})
        # "/nothing": returns without answering

    server = app_server(app)
    for path in ("/raise", "/crlf", "/nothing"):
        with Wire(server.url) as wire:
            wire.send(request("GET", path) + request("GET", "/never-served"))
            resp = wire.response()
            assert (resp.status, resp.body) == (500, APP_500), path
            assert resp.header("set-cookie") is None
            assert wire.closed(), path


def test_response_longer_than_its_length_is_cut(app_server: Callable[..., AppServer]) -> None:
    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        headers = [(b"content-length", b"3")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"abcdef"})

    server = app_server(app)
    with Wire(server.url) as wire:
        wire.send(request("GET", "/") + request("GET", "/"))
        status, _ = wire.head()
        assert status == 200
        assert wire.rest() == b""  # nothing beyond the head: never more than announced


def test_header_names_are_lower_case_and_framing_headers_are_the_servers(
    app_server: Callable[..., AppServer],
) -> None:
    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        headers = [
            (b"X-Amz-Request-Id", b"r1"),
            (b"Transfer-Encoding", b"gzip, chunked"),
            (b"Content-Length", b"2"),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"ok"})

    server = app_server(app)
    with Wire(server.url) as wire:
        wire.send(request("GET", "/"))
        resp = wire.response()
    assert resp.headers == [("x-amz-request-id", "r1"), ("content-length", "2")]
    assert resp.body == b"ok"


def test_scope_is_asgi_http_with_the_connection_as_extension(
    app_server: Callable[..., AppServer],
) -> None:
    from replayer.server.http import current_connection

    seen: list[dict[str, Any]] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        seen.append({**scope, "current": current_connection()})
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    server = app_server(app)
    with Wire(server.url) as wire:
        wire.send(request("GET", "/a%20b/%E2%82%AC?x=1&y=%2F", {"X-Thing": "v"}))
        wire.response()
    scope = seen[0]
    assert scope["type"] == "http"
    assert scope["method"] == "GET"
    assert scope["raw_path"] == b"/a%20b/%E2%82%AC"
    assert scope["path"] == "/a b/\u20ac"
    assert scope["query_string"] == b"x=1&y=%2F"
    assert (b"x-thing", b"v") in scope["headers"]
    assert scope["client"][0] == "127.0.0.1"
    assert scope["extensions"]["awsrec.transport"] is scope["current"] is not None


def test_bad_chunk_framing_mid_body_is_a_400_and_a_close(lean: str) -> None:
    for extra in ({}, {"Connection": "close"}):
        with Wire(lean) as wire:
            headers = {**S3, **extra, "Transfer-Encoding": "chunked"}
            wire.send(request("PUT", "/framingbucket/k", headers) + b"zz\r\nabc\r\n0\r\n\r\n")
            resp = wire.response()
            assert (resp.status, resp.body) == (400, b"Invalid HTTP request received."), extra
            assert wire.closed()
