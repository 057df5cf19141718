"""awsrec's HTTP server over its life: boto3 end to end, faults on the wire, idle and shutdown."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from boto3.s3.transfer import TransferConfig
from botocore.exceptions import ClientError, ConnectionClosedError, ResponseStreamingError

from replayer.server.run import BackgroundServer
from tests.replayer.conftest import ddb_client, s3_client
from tests.replayer.http.conftest import AppServer, Wire, request

KEY = {"pk": {"S": "a"}}


def test_boto3_s3_end_to_end(lean: str) -> None:
    s3 = s3_client(lean)
    s3.create_bucket(Bucket="e2ebucket")
    big = bytes(range(256)) * (40 * 1024)  # 10 MiB: boto3 sends two parts, with 100-continue
    small = TransferConfig(multipart_threshold=5 * 1024 * 1024, multipart_chunksize=5 * 1024**2)
    s3.upload_fileobj(_Reader(big), "e2ebucket", "big", Config=small)
    s3.put_object(Bucket="e2ebucket", Key="small", Body=b"tiny")
    assert s3.get_object(Bucket="e2ebucket", Key="big")["Body"].read() == big
    head = s3.head_object(Bucket="e2ebucket", Key="big")
    assert head["ContentLength"] == len(big)
    assert head["ETag"].endswith('-2"')
    got = s3.get_object(Bucket="e2ebucket", Key="big", Range="bytes=5-9")
    assert got["Body"].read() == big[5:10]
    listed = s3.list_objects_v2(Bucket="e2ebucket")["Contents"]
    assert [o["Key"] for o in listed] == ["big", "small"]
    s3.delete_object(Bucket="e2ebucket", Key="small")
    with pytest.raises(ClientError) as caught:
        s3.get_object(Bucket="e2ebucket", Key="small")
    assert caught.value.response["Error"]["Code"] == "NoSuchKey"


def test_boto3_s3_virtual_hosted(lean: str) -> None:
    s3 = s3_client(lean, addressing="virtual")
    s3.create_bucket(Bucket="vhostbucket")
    s3.put_object(Bucket="vhostbucket", Key="k", Body=b"v")
    assert s3.get_object(Bucket="vhostbucket", Key="k")["Body"].read() == b"v"


def test_boto3_dynamodb_end_to_end(lean: str) -> None:
    ddb = ddb_client(lean)
    ddb.create_table(
        TableName="e2etable",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    ddb.put_item(TableName="e2etable", Item={**KEY, "n": {"N": "1"}})
    assert ddb.get_item(TableName="e2etable", Key=KEY)["Item"]["n"] == {"N": "1"}
    with pytest.raises(ClientError) as caught:
        ddb.put_item(TableName="e2etable", Item=KEY, ConditionExpression="attribute_not_exists(pk)")
    assert caught.value.response["Error"]["Code"] == "ConditionalCheckFailedException"


FAULTS = """\
rules:
  - id: reset
    match: {service: s3, operation: GetObject, key: "reset"}
    do: {reset: {after_bytes: 100}}
  - id: cut
    match: {service: s3, operation: PutObject, key: "cut"}
    do: {reset: before_headers}
"""


def test_connection_faults_reach_the_socket(
    lean_factory: Callable[..., BackgroundServer], tmp_path: Path
) -> None:
    rules = tmp_path / "faults.yaml"
    rules.write_text(FAULTS)
    s3 = s3_client(lean_factory(faults_file=rules).url)
    s3.create_bucket(Bucket="faultbucket")
    s3.put_object(Bucket="faultbucket", Key="reset", Body=b"x" * 10_000)
    response = s3.get_object(Bucket="faultbucket", Key="reset")
    with pytest.raises(ResponseStreamingError, match="Connection reset by peer"):
        response["Body"].read()
    with pytest.raises(ConnectionClosedError):
        s3.put_object(Bucket="faultbucket", Key="cut", Body=b"x")


def test_stop_closes_idle_connections_and_finishes_requests_in_progress(
    app_server: Callable[..., AppServer],
) -> None:
    entered = threading.Event()

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["path"] == "/slow":
            entered.set()
            await asyncio.sleep(0.3)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": scope["path"].encode()})

    server = app_server(app)
    with Wire(server.url) as idle, Wire(server.url) as busy:
        idle.send(request("GET", "/warm"))
        assert idle.response().body == b"/warm"
        busy.send(request("GET", "/slow"))
        assert entered.wait(10)
        stopper = threading.Thread(target=server.stop)
        stopper.start()
        assert idle.closed()
        resp = busy.response()
        assert (resp.body, resp.header("connection")) == (b"/slow", "close")
        assert busy.closed()
        stopper.join(10)
    assert server.closed == 2  # the shutdown hook ran before and after the wait


def test_idle_keep_alive_connections_time_out(app_server: Callable[..., AppServer]) -> None:
    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    server = app_server(app, idle_timeout=0.2)
    with Wire(server.url) as wire:
        wire.send(request("GET", "/"))
        assert wire.response().status == 204
        assert wire.closed()  # blocks until the sweep closes it
    with Wire(server.url) as wire:
        wire.send(b"GET / HTTP/1.1\r\nHost: x\r\n")  # a head that never ends
        assert wire.closed()


def test_a_body_that_stops_coming_times_out_but_a_slow_app_does_not(
    app_server: Callable[..., AppServer],
) -> None:
    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["path"] == "/think":
            await asyncio.sleep(1.0)  # five idle timeouts of work, with nothing to read
        while (await receive()).get("more_body"):
            pass
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"done"})

    server = app_server(app, idle_timeout=0.2)
    with Wire(server.url) as wire:
        wire.send(request("POST", "/think", {"Content-Length": "2"}, b"ok"))
        assert wire.response().body == b"done"
    with Wire(server.url) as wire:
        wire.send(request("POST", "/starve", {"Content-Length": "100"}) + b"only ten b")
        assert wire.closed()


def test_sigterm_stops_the_foreground_server_gracefully(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    code = (
        "from replayer.server.config import ServeConfig\n"
        "from replayer.server.run import serve_forever\n"
        f"serve_forever(ServeConfig(port={port}))\n"
        "print('stopped', flush=True)\n"
    )
    env = {**os.environ, "AWSREC_HTTP_SERVER": "awsrec"}
    proc = subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE)
    try:
        url = f"http://127.0.0.1:{port}"
        wire = _connect(url, proc)
        with wire:
            wire.send(request("GET", "/_awsrec/health"))
            assert wire.response().status == 200
            proc.send_signal(signal.SIGTERM)
            assert wire.closed()  # the idle keep-alive connection is closed
        out, _ = proc.communicate(timeout=20)
    finally:
        proc.kill()
        proc.wait()
    assert (proc.returncode, out) == (0, b"stopped\n")


def _connect(url: str, proc: subprocess.Popen[bytes]) -> Wire:
    while True:
        try:
            return Wire(url)
        except ConnectionRefusedError:
            assert proc.poll() is None, "the server exited"
            time.sleep(0.02)


class _Reader:
    """A file-like object over bytes, so boto3 streams it (not a seekable bytes body)."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._pos = 0

    def read(self, n: int = -1) -> bytes:
        end = len(self._data) if n < 0 else self._pos + n
        out = self._data[self._pos : end]
        self._pos += len(out)
        return out
