"""The writer process: it outlives a killed proxy, and a dead writer makes the proxy fail closed."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from awsrec.cassette import load_cassette
from recorder.launcher import Recorder
from tests.recorder.conftest import StartRecorder, client


def _wait_for(condition: Callable[[], bool], what: str, limit: float = 60.0) -> None:
    # A deadline against hanging forever, not a speed requirement.
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.02)


def _writer_pid(recorder: Recorder) -> int:
    """The cassette writer: the mitmdump child's only child process (Linux /proc)."""
    pid = recorder.pid
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    assert len(children) == 1, children
    return int(children[0])


def _exited(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] == "Z"  # a zombie: dead, not yet reaped


def test_a_dead_writer_makes_the_proxy_answer_502(
    start_recorder: StartRecorder, tmp_path: Path
) -> None:
    recorder = start_recorder(out=str(tmp_path / "writer-died.awsrec"), offload=True)
    s3 = client("s3", recorder.url)
    s3.create_bucket(Bucket="writer-died")
    s3.put_object(Bucket="writer-died", Key="before", Body=b"recorded")
    _wait_for(lambda: recorder.counts["s3"] == 2, "two recorded exchanges")
    writer = _writer_pid(recorder)
    os.kill(writer, signal.SIGKILL)
    _wait_for(lambda: _exited(writer), "the writer to die")

    with pytest.raises(ClientError) as info:
        s3.put_object(Bucket="writer-died", Key="after", Body=b"never answered")
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 502
    recorder.stop()
    assert any("cassette writer" in e for e in recorder.errors), recorder.errors
    cassette = load_cassette(tmp_path / "writer-died.awsrec")
    assert [i.operation for i in cassette.interactions] == ["CreateBucket", "PutObject"]


def test_the_writer_finishes_after_the_proxy_is_killed(
    start_recorder: StartRecorder, tmp_path: Path
) -> None:
    recorder = start_recorder(out=str(tmp_path / "orphan.awsrec"), offload=True)
    ddb = client("dynamodb", recorder.url)
    for _ in range(20):
        ddb.list_tables()
    writer = _writer_pid(recorder)
    recorder.kill()  # SIGKILL of mitmdump only: the writer drains the pipe, then exits
    _wait_for(lambda: _exited(writer), "the writer to finish")
    cassette = load_cassette(tmp_path / "orphan.awsrec")
    assert [i.seq for i in cassette.interactions] == list(range(1, 21))
