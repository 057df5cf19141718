from __future__ import annotations

from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from tests.replayer.conftest import (
    ServeFactory,
    admin,
    interaction,
    s3_client,
    write_cassette,
)

XMLNS = "http://s3.amazonaws.com/doc/2006-03-01/"
RESPONSE_HEADERS = [
    ("x-amz-id-2", "<host-id:1>"),
    ("x-amz-request-id", "<request-id:1>"),
    ("Date", "<date>"),
    ("Content-Type", "application/xml"),
    ("Transfer-Encoding", "chunked"),
    ("Server", "AmazonS3"),
]


def tagging(seq: int, bucket: str, value: str) -> object:
    body = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Tagging xmlns="{XMLNS}"><TagSet><Tag>'
        f"<Key>v</Key><Value>{value}</Value></Tag></TagSet></Tagging>"
    ).encode()
    request = ("GET", f"/{bucket}", [("tagging", "")], [("Host", "s3.amazonaws.com")], b"")
    return interaction(seq, "s3", "GetBucketTagging", request, (200, RESPONSE_HEADERS, body))


@pytest.fixture
def opaque_url(serve_factory: ServeFactory, tmp_path: Path) -> str:
    cassette = write_cassette(
        tmp_path / "tags.awsrec",
        [tagging(1, "b1", "first"), tagging(2, "b1", "second"), tagging(3, "b2", "other")],
    )
    # No S3 model: every S3 operation is opaque here.
    return serve_factory(cassettes=[cassette], models={"s3": ""}).url


def tag_value(url: str, bucket: str, addressing: str = "path") -> str:
    resp = s3_client(url, addressing).get_bucket_tagging(Bucket=bucket)
    return str(resp["TagSet"][0]["Value"])


def test_recorded_n_times_replays_in_order_then_repeats_last(opaque_url: str) -> None:
    assert [tag_value(opaque_url, "b1") for _ in range(4)] == [
        "first",
        "second",
        "second",
        "second",
    ]
    assert tag_value(opaque_url, "b2") == "other"


def test_reset_restarts_the_sequences(opaque_url: str) -> None:
    assert [tag_value(opaque_url, "b1") for _ in range(2)] == ["first", "second"]
    admin(opaque_url, "reset", "POST")
    assert tag_value(opaque_url, "b1") == "first"


def test_replayed_response_has_fresh_ids_and_recording_source(opaque_url: str) -> None:
    resp = s3_client(opaque_url).get_bucket_tagging(Bucket="b1")
    headers = resp["ResponseMetadata"]["HTTPHeaders"]
    assert headers["x-awsrec-source"] == "recording"
    assert headers["server"] == "AmazonS3"
    # S3 request ids are 16 upper-case hex characters, never a placeholder.
    request_id = headers["x-amz-request-id"]
    assert len(request_id) == 16
    assert request_id == request_id.upper()
    int(request_id, 16)
    assert "<" not in headers["x-amz-id-2"]
    assert "<" not in headers["date"]


def test_virtual_hosted_request_matches_path_style_recording(opaque_url: str) -> None:
    assert tag_value(opaque_url, "b2", addressing="virtual") == "other"


def test_unrecorded_opaque_operation_is_not_implemented_501(opaque_url: str) -> None:
    with pytest.raises(ClientError) as info:
        s3_client(opaque_url).get_bucket_policy(Bucket="b1")
    err = info.value.response
    assert err["Error"]["Code"] == "NotImplemented"
    assert err["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert "GetBucketPolicy" in err["Error"]["Message"]


def test_opaque_request_with_other_parameters_is_not_matched(opaque_url: str) -> None:
    with pytest.raises(ClientError) as info:
        s3_client(opaque_url).get_bucket_tagging(Bucket="never-recorded")
    assert info.value.response["Error"]["Code"] == "NotImplemented"


def test_journal_says_opaque_answers_came_from_recording(opaque_url: str) -> None:
    tag_value(opaque_url, "b1")
    _, journal = admin(opaque_url, "journal")
    assert [(e["operation"], e["source"], e["status"]) for e in journal] == [
        ("GetBucketTagging", "recording", 200)
    ]
