"""World W0 from cassettes, reset, dump, and directory-backend persistence across restarts."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.replayer.conftest import (
    ServeFactory,
    admin,
    interaction,
    reset,
    s3_client,
    write_cassette,
)
from tests.replayer.s3.conftest import error_of

FIXTURE_BODY = b"recorded fixture content"


def _cassette(path: Path) -> Path:
    etag = f'"{hashlib.md5(FIXTURE_BODY).hexdigest()}"'
    return write_cassette(
        path,
        [
            interaction(
                1,
                "s3",
                "HeadBucket",
                ("HEAD", "/fixture-bkt", [], [], b""),
                (200, [("x-amz-bucket-region", "us-east-1")], b""),
            ),
            interaction(
                2,
                "s3",
                "GetObject",
                ("GET", "/fixture-bkt/data/in.txt", [], [], b""),
                (
                    200,
                    [
                        ("ETag", etag),
                        ("Content-Type", "text/plain"),
                        ("x-amz-meta-origin", "rec"),
                        ("Content-Length", str(len(FIXTURE_BODY))),
                    ],
                    FIXTURE_BODY,
                ),
            ),
            # Created by the cassette: not part of W0.
            interaction(
                3,
                "s3",
                "PutObject",
                ("PUT", "/fixture-bkt/data/out.txt", [], [], b"o"),
                (200, [("ETag", '"x"')], b""),
            ),
            interaction(
                4,
                "s3",
                "GetObject",
                ("GET", "/fixture-bkt/data/out.txt", [], [], b""),
                (200, [("ETag", '"x"')], b"o"),
            ),
        ],
    )


@pytest.mark.parametrize("backend", ["memory", "directory"])
def test_seed_reset_dump(serve_factory: ServeFactory, tmp_path: Path, backend: str) -> None:
    state = tmp_path / "state" if backend == "directory" else None
    server = serve_factory(cassettes=[_cassette(tmp_path / "w0.awsrec")], state_dir=state)
    s3 = s3_client(server.url)
    got = s3.get_object(Bucket="fixture-bkt", Key="data/in.txt")
    assert got["Body"].read() == FIXTURE_BODY
    assert (got["ContentType"], got["Metadata"]) == ("text/plain", {"origin": "rec"})
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket="fixture-bkt", Key="data/out.txt")
    assert error_of(e)[0] == "NoSuchKey"
    s3.put_object(Bucket="fixture-bkt", Key="data/in.txt", Body=b"changed")
    s3.put_object(Bucket="fixture-bkt", Key="new", Body=b"n")
    status, dump = admin(server.url, "state")
    assert status == 200
    s3_state = dump.get("s3", dump)
    objects = s3_state["buckets"]["fixture-bkt"]["objects"]
    assert objects["new"]["size"] == 1
    reset(server.url)
    assert s3.get_object(Bucket="fixture-bkt", Key="data/in.txt")["Body"].read() == FIXTURE_BODY
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="fixture-bkt")["Contents"]]
    assert keys == ["data/in.txt"]


def test_directory_state_survives_restart(serve_factory: ServeFactory, tmp_path: Path) -> None:
    state = tmp_path / "state"
    first = serve_factory(state_dir=state)
    s3 = s3_client(first.url)
    s3.create_bucket(Bucket="keep")
    s3.put_object(Bucket="keep", Key="a", Body=b"alpha", Metadata={"m": "1"}, Tagging="t=v")
    big = b"z" * (6 * 1024 * 1024)
    up = s3.create_multipart_upload(Bucket="keep", Key="mp")["UploadId"]
    p1 = s3.upload_part(Bucket="keep", Key="mp", UploadId=up, PartNumber=1, Body=big)["ETag"]
    s3.put_object(Bucket="keep", Key="gone", Body=b"g")
    s3.delete_object(Bucket="keep", Key="gone")
    first.stop()

    second = serve_factory(state_dir=state)
    s3 = s3_client(second.url)
    got = s3.get_object(Bucket="keep", Key="a")
    assert (got["Body"].read(), got["Metadata"], got["TagCount"]) == (b"alpha", {"m": "1"}, 1)
    with pytest.raises(ClientError):
        s3.head_object(Bucket="keep", Key="gone")
    # The upload in progress continues after the restart.
    p2 = s3.upload_part(Bucket="keep", Key="mp", UploadId=up, PartNumber=2, Body=b"tail")["ETag"]
    parts = [{"PartNumber": 1, "ETag": p1}, {"PartNumber": 2, "ETag": p2}]
    s3.complete_multipart_upload(
        Bucket="keep", Key="mp", UploadId=up, MultipartUpload={"Parts": parts}
    )
    body = s3.get_object(Bucket="keep", Key="mp")["Body"].read()
    assert body == big + b"tail"
    # Objects are files on disk, not held in memory; no blob is left behind by deletes.
    blobs = [p for p in (state / "s3" / "blobs").iterdir() if not p.name.startswith(".tmp")]
    assert len(blobs) == 2


def test_directory_get_streams_large_object(served_dir: str, tmp_path: Path) -> None:
    s3 = s3_client(served_dir)
    s3.create_bucket(Bucket="large")
    data = hashlib.sha256(b"x").digest() * (3 * 1024 * 1024 // 32)
    s3.put_object(Bucket="large", Key="k", Body=data)
    got: Any = s3.get_object(Bucket="large", Key="k")
    assert got["ContentLength"] == len(data)
    assert got["Body"].read() == data
