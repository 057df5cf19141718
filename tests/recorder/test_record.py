"""The Record addon: split-by header, non-AWS traffic, --only-aws."""

from __future__ import annotations

import urllib.request
from pathlib import Path
from typing import Any

from awsrec.cassette import load_cassette
from recorder.settings import SPLIT_HEADER
from tests.recorder.conftest import StartRecorder, client


def _mark(s3: Any, names: list[str]) -> None:
    """Add x-awsrec-cassette after signing, as a pytest plugin would (it is never forwarded)."""

    def add_header(request: Any, **_: Any) -> None:
        if names:
            request.headers[SPLIT_HEADER] = names[0]

    s3.meta.events.register("before-send", add_header)


def test_split_by_header_starts_a_cassette_per_name(
    start_recorder: StartRecorder, tmp_path: Path
) -> None:
    out = tmp_path / "split"
    recorder = start_recorder(out=str(out), split_by="header")
    s3 = client("s3", recorder.url)
    current: list[str] = []
    _mark(s3, current)
    s3.create_bucket(Bucket="split")  # before any name: default.awsrec
    current.append("tests/test_s3.py::test_put[x]")
    s3.put_object(Bucket="split", Key="a", Body=b"a")
    current[0] = "other"
    s3.get_object(Bucket="split", Key="a")
    current.clear()  # unmarked requests stay with the last named cassette
    s3.head_object(Bucket="split", Key="a")
    recorder.stop()

    files = sorted(str(p.relative_to(out)) for p in out.rglob("*.awsrec"))
    assert files == ["default.awsrec", "other.awsrec", "tests/test_s3.py--test_put_x_.awsrec"]
    ops = {name: [i.operation for i in load_cassette(out / name).interactions] for name in files}
    assert ops == {
        "default.awsrec": ["CreateBucket"],
        "tests/test_s3.py--test_put_x_.awsrec": ["PutObject"],
        "other.awsrec": ["GetObject", "HeadObject"],
    }
    for name in files:
        for i in load_cassette(out / name).interactions:
            assert i.request.header(SPLIT_HEADER) is None
            assert i.seq >= 1


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as reply:
        body: bytes = reply.read()
        return body


def test_non_aws_traffic_is_passed_through_and_recorded_as_unknown(
    start_recorder: StartRecorder, tmp_path: Path
) -> None:
    recorder = start_recorder(out=str(tmp_path / "mixed.awsrec"))
    body = _get(f"{recorder.url}/moto-api/data.json")
    assert body.startswith(b"{")
    client("lambda", recorder.url).list_functions()
    recorder.stop()
    cassette = load_cassette(tmp_path / "mixed.awsrec")
    seen = [(i.service, i.operation) for i in cassette.interactions]
    assert seen == [("unknown", "unknown"), ("lambda", "ListFunctions")]
    assert cassette.interactions[0].request.path == "/moto-api/data.json"


def test_only_aws_skips_non_aws_traffic(start_recorder: StartRecorder, tmp_path: Path) -> None:
    recorder = start_recorder(out=str(tmp_path / "aws-only.awsrec"), only_aws=True)
    assert _get(f"{recorder.url}/moto-api/data.json").startswith(b"{")
    client("lambda", recorder.url).list_functions()
    recorder.stop()
    cassette = load_cassette(tmp_path / "aws-only.awsrec")
    assert [i.service for i in cassette.interactions] == ["lambda"]
