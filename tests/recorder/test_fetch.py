"""recorder.fetch against real loopback servers that answer from a script, byte for byte."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest

from recorder.fetch import Answer, UpstreamClient, UpstreamError


@dataclass
class Scripted:
    """A TCP server on 127.0.0.1 answering each request with the next scripted reply.

    A reply ending the connection is marked by `close_after`: the server closes once it has
    sent it. `requests` holds each request's bytes; `connections` counts accepted connections.
    """

    replies: list[bytes]
    close_after: set[int] = field(default_factory=set)
    requests: list[bytes] = field(default_factory=list)
    connections: int = 0

    def __post_init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._connection, args=(conn,), daemon=True).start()

    def _connection(self, conn: socket.socket) -> None:
        with conn:
            buffered = b""
            while self.replies:
                while b"\r\n\r\n" not in buffered:
                    data = conn.recv(65536)
                    if not data:
                        return
                    buffered += data
                head, _, rest = buffered.partition(b"\r\n\r\n")
                length = next(
                    (
                        int(line.split(b":", 1)[1])
                        for line in head.split(b"\r\n")
                        if line.lower().startswith(b"content-length:")
                    ),
                    0,
                )
                while len(rest) < length:
                    rest += conn.recv(65536)
                self.requests.append(head + b"\r\n\r\n" + rest[:length])
                buffered = rest[length:]
                index = len(self.requests) - 1
                conn.sendall(self.replies.pop(0))
                if index in self.close_after:
                    return

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        self.sock.close()


MakeScripted = Callable[..., Scripted]


@pytest.fixture
def scripted() -> Iterator[MakeScripted]:
    made: list[Scripted] = []

    def make(replies: list[bytes], close_after: set[int] | None = None) -> Scripted:
        server = Scripted(replies, close_after or set())
        made.append(server)
        return server

    yield make
    for server in made:
        server.close()


OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nx-amz-request-id: R1\r\n\r\nok"


def fetch_all(calls: list[tuple[str, str, list[tuple[str, str]], bytes]]) -> list[Answer]:
    async def run() -> list[Answer]:
        upstream = UpstreamClient()
        try:
            return [await upstream.fetch(*call) for call in calls]
        finally:
            upstream.close()

    return asyncio.run(run())


def get(url: str, path: str = "/") -> tuple[str, str, list[tuple[str, str]], bytes]:
    return ("GET", url + path, [("Host", url.split("//")[1])], b"")


def test_answers_come_back_whole_and_one_connection_serves_several(scripted: MakeScripted) -> None:
    server = scripted([OK, OK, OK])
    answers = fetch_all([get(server.url, f"/k{i}") for i in range(3)])
    assert [(a.status, a.body) for a in answers] == [(200, b"ok")] * 3
    assert (b"x-amz-request-id", b"R1") in answers[0].headers
    assert server.connections == 1
    assert [r.split(b" ")[1] for r in server.requests] == [b"/k0", b"/k1", b"/k2"]


def test_an_upstream_that_closes_after_each_answer_gets_a_new_connection(
    scripted: MakeScripted,
) -> None:
    close = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
    server = scripted([close, close], close_after={0, 1})
    answers = fetch_all([get(server.url), get(server.url)])
    assert [a.body for a in answers] == [b"ok", b"ok"]
    assert server.connections == 2


def test_a_kept_connection_the_server_dropped_is_retried_once_on_a_new_one(
    scripted: MakeScripted,
) -> None:
    # No Connection: close, yet the server hangs up after the first answer (idle timeout).
    server = scripted([OK, OK], close_after={0})
    answers = fetch_all([get(server.url), get(server.url)])
    assert [a.status for a in answers] == [200, 200]
    assert server.connections == 2


def test_chunked_answers_are_decoded_and_their_header_kept(scripted: MakeScripted) -> None:
    chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
    chunked += b"3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"
    server = scripted([chunked])
    (answer,) = fetch_all([get(server.url)])
    assert answer.body == b"abcde"
    assert (b"Transfer-Encoding", b"chunked") in answer.headers


def test_a_head_answer_has_no_body_whatever_its_content_length(scripted: MakeScripted) -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Length: 1024\r\n\r\n"
    server = scripted([head, OK])
    host = [("Host", server.url.split("//")[1])]
    answers = fetch_all([("HEAD", server.url + "/obj", host, b""), get(server.url)])
    assert [(a.status, a.body) for a in answers] == [(200, b""), (200, b"ok")]
    assert (b"Content-Length", b"1024") in answers[0].headers


def test_an_interim_100_continue_is_skipped_and_expect_not_sent(scripted: MakeScripted) -> None:
    server = scripted([b"HTTP/1.1 100 Continue\r\n\r\n" + OK])
    headers = [("Host", "h"), ("Expect", "100-continue"), ("Content-Length", "4")]
    (answer,) = fetch_all([("PUT", server.url + "/obj", headers, b"data")])
    assert (answer.status, answer.body) == (200, b"ok")
    assert b"expect" not in server.requests[0].lower()
    assert server.requests[0].endswith(b"\r\n\r\ndata")


def test_header_values_beyond_ascii_are_sent_as_their_utf8_bytes(scripted: MakeScripted) -> None:
    server = scripted([OK])
    headers = [("Host", "h"), ("x-amz-meta-name", "café ☕")]
    fetch_all([("GET", server.url + "/", headers, b"")])
    assert "x-amz-meta-name: café ☕".encode() in server.requests[0]


def test_a_body_that_ends_with_the_connection_is_read_to_its_end(scripted: MakeScripted) -> None:
    server = scripted([b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end"], {0})
    (answer,) = fetch_all([get(server.url)])
    assert answer.body == b"until the end"


def test_an_unreachable_upstream_is_an_upstream_error_naming_it() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(UpstreamError, match=f"127.0.0.1:{port}"):
        fetch_all([get(f"http://127.0.0.1:{port}")])


def test_an_answer_cut_off_mid_body_is_an_upstream_error(scripted: MakeScripted) -> None:
    server = scripted([b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort"], {0})
    with pytest.raises(UpstreamError):
        fetch_all([get(server.url)])
