"""Recorded aws-chunked uploads replayed: the decoded body is framed again before it is sent."""

from __future__ import annotations

import copy
from pathlib import Path

from awsrec.cassette import Cassette, Interaction, load_cassette
from awsrec.cassette_io import dump_cassette
from replayer.diff.model import DiffSettings, Target
from replayer.diff.runner import load_sources, run_diff

SIGNED = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"


def _as_signed_chunks(put: Interaction) -> Interaction:
    """The recorded upload as an SDK signing its chunks (e.g. the AWS SDK for Java) sends it.

    https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming-trailers.html
    """
    signed = copy.deepcopy(put)
    signed.request.headers = [
        (k, SIGNED if k.lower() == "x-amz-content-sha256" else v) for k, v in put.request.headers
    ]
    signed.flags["aws_chunked"]["content_sha256"] = SIGNED
    return signed


def test_upload_recorded_with_signed_chunks_replays_as_plain_upload(
    e2e_cassette: Path, moto: str, tmp_path: Path
) -> None:
    recorded = load_cassette(e2e_cassette)
    create, put, _, get = recorded.interactions[:4]
    assert (create.operation, put.operation, get.operation) == (
        "CreateBucket", "PutObject", "GetObject")  # fmt: skip
    trailers = put.flags["aws_chunked"]["trailers"]
    assert [k for k in trailers if k.startswith("x-amz-checksum-")], trailers
    path = tmp_path / "signed.awsrec"
    dump_cassette(path, Cassette(recorded.header, [create, _as_signed_chunks(put), get]))

    [run] = run_diff(load_sources([path]), DiffSettings(targets=(Target("moto", moto),)))
    # Chunk signatures cannot survive re-signing: sent plain, with the checksum trailer as a
    # header, moto stores the same bytes under the same checksum; GetObject reads them back.
    assert [(r.operation, r.passed, r.differences) for r in run.results] == [
        ("CreateBucket", True, []), ("PutObject", True, []), ("GetObject", True, [])]  # fmt: skip
