"""kill -9 of `awsrec serve --state-dir` mid-upload: acknowledged state intact, nothing torn.

The recorder's half of the crash-safety bullet (kill -9 mid-run keeps every answered
interaction) is tests/recorder/test_launcher.py::test_kill_9_keeps_every_answered_interaction.
"""

from __future__ import annotations

import hashlib
import random
import socket
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.reliability.conftest import ServeProcess
from tests.replayer.conftest import ddb_client, s3_client, signed_for


def _body(n: int, size: int) -> bytes:
    return random.Random(n).randbytes(size)


def _start_upload(url: str, key: str, total: int, sent: int) -> socket.socket:
    """A PutObject announcing `total` bytes, of which only `sent` are sent (then held open)."""
    parts = urlsplit(url)
    sock = socket.create_connection((parts.hostname, parts.port), timeout=30)
    head = [f"PUT /crash/{key} HTTP/1.1", f"Host: {parts.netloc}", f"Content-Length: {total}"]
    head += [f"{k}: {v}" for k, v in signed_for("s3").items()]
    head.append("x-amz-content-sha256: UNSIGNED-PAYLOAD")
    sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
    sock.sendall(b"z" * sent)
    return sock


def _acknowledged(url: str) -> dict[str, str]:
    s3 = s3_client(url)
    s3.create_bucket(Bucket="crash")
    acked = {}
    for n in range(8):
        body = _body(n, 64 * 1024 * (n + 1))
        s3.put_object(Bucket="crash", Key=f"k{n}", Body=body)
        acked[f"k{n}"] = hashlib.sha256(body).hexdigest()
    ddb = ddb_client(url)
    ddb.create_table(
        TableName="crash-table",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    for n in range(20):
        ddb.put_item(TableName="crash-table", Item={"pk": {"S": f"i{n}"}, "v": {"N": str(n)}})
    return acked


def _check_intact(url: str, acked: dict[str, str]) -> None:
    s3 = s3_client(url)
    listed = s3.list_objects_v2(Bucket="crash").get("Contents", [])
    assert sorted(o["Key"] for o in listed) == sorted(acked)  # no torn or temp entries
    for obj in listed:
        got = s3.get_object(Bucket="crash", Key=obj["Key"])["Body"].read()
        assert len(got) == obj["Size"]
        assert hashlib.sha256(got).hexdigest() == acked[obj["Key"]], obj["Key"]
    items = ddb_client(url).scan(TableName="crash-table")["Items"]
    assert sorted(int(i["v"]["N"]) for i in items) == list(range(20))


@pytest.mark.parametrize("sent", [1, 3 * 1024 * 1024, 12 * 1024 * 1024])
def test_kill_9_mid_upload_keeps_acknowledged_state(
    serve_process: Any, tmp_path: Path, sent: int
) -> None:
    state = tmp_path / "state"
    server: ServeProcess = serve_process(["--state-dir", str(state)])
    acked = _acknowledged(server.url)
    # In flight when the server dies: a new key, and an overwrite of an acknowledged one.
    uploads = [
        _start_upload(server.url, "in-flight", 64 * 1024 * 1024, sent),
        _start_upload(server.url, "k3", 64 * 1024 * 1024, sent),
    ]
    server.kill9()
    for sock in uploads:
        sock.close()
    restarted: ServeProcess = serve_process(["--state-dir", str(state)])
    _check_intact(restarted.url, acked)
    # And it keeps working on the same directory.
    s3_client(restarted.url).put_object(Bucket="crash", Key="after", Body=b"after")
    acked["after"] = hashlib.sha256(b"after").hexdigest()
    _check_intact(restarted.url, acked)
