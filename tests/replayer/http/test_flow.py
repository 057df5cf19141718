"""awsrec's HTTP server under pressure: 100-continue, head limits, backpressure, hang-ups."""

from __future__ import annotations

import asyncio
import select
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

from replayer.server.http.limits import MAX_HEAD_BYTES
from tests.replayer.http.conftest import S3, AppServer, Wire, request

MIB = 1024 * 1024


def _stalled(sock: socket.socket, data: bytes, quiet_s: float = 1.0) -> int:
    """Send `data` until the peer stops accepting bytes for `quiet_s`; returns bytes sent.

    A stall is only ever ended early by a slow server (then less is sent), so this cannot make
    a test that bounds the bytes sent fail.
    """
    sock.setblocking(False)
    sent = 0
    view = memoryview(data)
    try:
        while sent < len(data):
            _, writable, _ = select.select([], [sock], [], quiet_s)
            if not writable:
                break
            try:
                sent += sock.send(view[sent : sent + 65536])
            except BlockingIOError:
                continue
    finally:
        sock.setblocking(True)
    return sent


def test_expect_100_continue_is_answered_before_the_body(lean: str) -> None:
    with Wire(lean) as wire:
        wire.send(request("PUT", "/continuebucket", S3))
        assert wire.response().status == 200
        head = request("PUT", "/continuebucket/k", {**S3, "Expect": "100-continue"})
        head = head.replace(b"\r\n\r\n", b"\r\nContent-Length: 5\r\n\r\n")
        wire.send(head)
        interim = wire.response()
        assert interim.status == 100
        wire.send(b"hello")
        assert wire.response().status == 200
        wire.send(request("GET", "/continuebucket/k", S3))
        assert wire.response().body == b"hello"


def test_answer_without_reading_an_expected_body_closes_the_connection(
    app_server: Callable[..., AppServer],
) -> None:
    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        headers = [(b"content-length", b"6")]
        await send({"type": "http.response.start", "status": 403, "headers": headers})
        await send({"type": "http.response.body", "body": b"denied"})

    server = app_server(app)
    with Wire(server.url) as wire:
        wire.send(request("PUT", "/", {"Expect": "100-continue", "Content-Length": "100"}))
        resp = wire.response()  # no 100 Continue first: the body was never asked for
        assert (resp.status, resp.body) == (403, b"denied")
        assert resp.header("connection") == "close"
        assert wire.closed()


@pytest.mark.parametrize("pieces", [1, 40], ids=["one-write", "dripped"])
def test_oversized_head_is_an_s3_400_and_a_close(lean: str, pieces: int) -> None:
    big = request("GET", "/bkt/k", {**S3, "X-Big": "a" * (MAX_HEAD_BYTES + 10)})
    step = len(big) // pieces + 1
    with Wire(lean) as wire:
        try:
            for i in range(0, len(big), step):
                wire.send(big[i : i + step])
        except (BrokenPipeError, ConnectionResetError):
            pass  # refused mid-send; the answer is still there to read
        resp = wire.response()
        assert resp.status == 400
        assert b"<Code>RequestHeaderSectionTooLarge</Code>" in resp.body
        assert b"<MaxSizeAllowed>65536</MaxSizeAllowed>" in resp.body
        assert wire.closed()


def test_oversized_head_pipelined_behind_a_request_is_refused_after_its_answer(
    lean: str,
) -> None:
    big = request("GET", "/bkt/k", {**S3, "X-Big": "a" * (MAX_HEAD_BYTES + 10)})
    with Wire(lean) as wire:
        wire.send(request("GET", "/_awsrec/health") + big)  # one write: one chunk, mid-chunk head
        assert wire.response().status == 200
        resp = wire.response()
        assert resp.status == 400
        assert b"<Code>RequestHeaderSectionTooLarge</Code>" in resp.body
        assert wire.closed()


def test_head_just_under_the_limit_is_served(lean: str) -> None:
    with Wire(lean) as wire:
        filler = "a" * (MAX_HEAD_BYTES - 2048)
        wire.send(request("GET", "/_awsrec/health", {"X-Filler": filler}))
        assert wire.response().status == 200


def test_upload_to_an_app_that_does_not_read_is_held_back(
    app_server: Callable[..., AppServer],
) -> None:
    go = threading.Event()
    received: list[int] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        while not go.is_set():
            await asyncio.sleep(0.01)
        total, more = 0, True
        while more:
            message = await receive()
            total += len(message.get("body", b""))
            more = message.get("more_body", False)
        received.append(total)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": str(total).encode()})

    server = app_server(app)
    size = 64 * MIB
    body = bytes(size)
    with Wire(server.url, timeout=60) as wire:
        wire.send(request("PUT", "/", {"Content-Length": str(size)}))
        sent = _stalled(wire.sock, body)
        # Kernel socket buffers hold some MiB; a server that kept reading would take it all.
        assert sent < 32 * MIB
        go.set()
        wire.send(body[sent:])
        assert wire.response().body == str(size).encode()
    assert received == [size]


def test_slow_reader_holds_a_streamed_response_back(
    app_server: Callable[..., AppServer],
) -> None:
    produced: list[int] = [0]
    size = 64 * MIB

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        headers = [(b"content-length", str(size).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        piece = bytes(MIB)
        for _ in range(size // MIB):
            await send({"type": "http.response.body", "body": piece, "more_body": True})
            produced[0] += MIB
        await send({"type": "http.response.body", "body": b""})

    server = app_server(app)
    with Wire(server.url, timeout=60) as wire:
        wire.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
        wire.send(request("GET", "/"))
        last = -1
        while produced[0] != last:  # wait until the app stops getting ahead
            last = produced[0]
            time.sleep(1.0)
        assert produced[0] < 32 * MIB
        resp = wire.response()
        assert len(resp.body) == size


def test_client_hanging_up_mid_body_stores_nothing_and_the_server_serves_on(lean: str) -> None:
    with Wire(lean) as wire:
        wire.send(request("PUT", "/hangupbucket", S3))
        assert wire.response().status == 200
        wire.send(request("PUT", "/hangupbucket/k", {**S3, "Content-Length": str(10 * MIB)}))
        wire.send(bytes(MIB))
    with Wire(lean) as wire:
        wire.send(request("GET", "/hangupbucket/k", S3))
        resp = wire.response()
        assert resp.status == 404
        assert b"<Code>NoSuchKey</Code>" in resp.body


def test_app_sees_a_disconnect_when_the_client_goes_mid_body(
    app_server: Callable[..., AppServer],
) -> None:
    seen: list[str] = []
    done = threading.Event()

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            if message["type"] == "http.disconnect" or not message.get("more_body"):
                seen.append(message["type"])
                done.set()
                return

    server = app_server(app)
    with Wire(server.url) as wire:
        wire.send(request("PUT", "/", {"Content-Length": "1000"}) + b"x" * 10)
    assert done.wait(10)
    assert seen == ["http.disconnect"]


def test_half_closed_client_still_gets_its_answers(lean: str) -> None:
    with Wire(lean) as wire:
        wire.send(request("GET", "/_awsrec/health") + request("GET", "/_awsrec/health"))
        wire.sock.shutdown(socket.SHUT_WR)
        assert [wire.response().status, wire.response().status] == [200, 200]
        assert wire.closed()
