"""The mitmdump child: starts on a free port, stops cleanly, and loses nothing when killed."""

from __future__ import annotations

from pathlib import Path

from awsrec.cassette import load_cassette
from tests.recorder.conftest import StartRecorder, client


def test_kill_9_keeps_every_answered_interaction(
    start_recorder: StartRecorder, tmp_path: Path
) -> None:
    recorder = start_recorder(out=str(tmp_path / "killed.awsrec"))
    assert recorder.port > 0
    s3 = client("s3", recorder.url)
    s3.create_bucket(Bucket="killed")
    for n in range(5):
        s3.put_object(Bucket="killed", Key=f"k{n}", Body=f"body {n}".encode())
    assert s3.get_object(Bucket="killed", Key="k3")["Body"].read() == b"body 3"
    recorder.kill()  # SIGKILL: no shutdown hook runs, the writer is never closed
    # pytest turns a TruncatedCassetteWarning (torn tail) into an error: there must be none.
    cassette = load_cassette(tmp_path / "killed.awsrec")
    ops = [(i.operation, i.response.status) for i in cassette.interactions]
    assert ops == [("CreateBucket", 200)] + [("PutObject", 200)] * 5 + [("GetObject", 200)]
    assert cassette.interactions[-1].response.body == b"body 3"


def test_stop_closes_the_cassette_and_the_child_exits_0(
    start_recorder: StartRecorder, tmp_path: Path
) -> None:
    recorder = start_recorder(out=str(tmp_path / "stopped.awsrec"))
    client("dynamodb", recorder.url).list_tables()
    assert recorder.stop() == 0
    assert dict(recorder.counts) == {"dynamodb": 1}
    cassette = load_cassette(tmp_path / "stopped.awsrec")
    assert [i.operation for i in cassette.interactions] == ["ListTables"]
