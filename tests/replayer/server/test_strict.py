from __future__ import annotations

from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from tests.replayer.conftest import ServeFactory, admin, s3_client, write_cassette
from tests.replayer.server.test_opaque import tagging


@pytest.fixture
def strict_url(serve_factory: ServeFactory, tmp_path: Path) -> str:
    cassette = write_cassette(
        tmp_path / "strict.awsrec", [tagging(1, "b1", "one"), tagging(2, "b2", "two")]
    )
    return serve_factory(cassettes=[cassette], strict=True, models={"s3": ""}).url


def test_requests_in_recorded_order_are_answered_from_the_recording(strict_url: str) -> None:
    s3 = s3_client(strict_url)
    assert s3.get_bucket_tagging(Bucket="b1")["TagSet"][0]["Value"] == "one"
    resp = s3.get_bucket_tagging(Bucket="b2")
    assert resp["TagSet"][0]["Value"] == "two"
    assert resp["ResponseMetadata"]["HTTPHeaders"]["x-awsrec-source"] == "recording"
    assert admin(strict_url, "unmatched") == (200, [])


def test_mismatch_names_nearest_recording_and_differing_fields(strict_url: str) -> None:
    s3 = s3_client(strict_url)
    s3.get_bucket_tagging(Bucket="b1")
    with pytest.raises(ClientError) as info:
        s3.get_bucket_tagging(Bucket="b3")
    err = info.value.response
    assert err["Error"]["Code"] == "AwsrecStrictMismatch"
    assert err["ResponseMetadata"]["HTTPStatusCode"] == 400
    message = err["Error"]["Message"]
    assert "GET /b3?tagging (s3 GetBucketTagging)" in message
    assert "nearest recorded is #1 in strict.awsrec: GET /b2?tagging" in message
    assert message.endswith("differing in path.")
    status, unmatched = admin(strict_url, "unmatched")
    assert status == 200
    assert len(unmatched) == 1
    assert unmatched[0]["failed"] == ["path"]
    assert unmatched[0]["nearest"]["index"] == 1
    # A mismatch does not consume the recording: the expected request still matches.
    assert s3.get_bucket_tagging(Bucket="b2")["TagSet"][0]["Value"] == "two"


def test_out_of_order_request_is_a_mismatch(strict_url: str) -> None:
    with pytest.raises(ClientError) as info:
        s3_client(strict_url).get_bucket_tagging(Bucket="b2")
    assert info.value.response["Error"]["Code"] == "AwsrecStrictMismatch"
    assert (
        "recorded later: 1 interaction(s) of it come first"
        in info.value.response["Error"]["Message"]
    )
    _, unmatched = admin(strict_url, "unmatched")
    # The nearest is the same request recorded later, not the next one.
    assert unmatched[0]["nearest"] == {
        "cassette": "strict.awsrec",
        "index": 1,
        "request": "GET /b2?tagging (s3 GetBucketTagging)",
        "next": False,
    }
    assert unmatched[0]["failed"] == []


def test_everything_played_says_so(strict_url: str) -> None:
    s3 = s3_client(strict_url)
    s3.get_bucket_tagging(Bucket="b1")
    s3.get_bucket_tagging(Bucket="b2")
    with pytest.raises(ClientError) as info:
        s3.get_bucket_tagging(Bucket="b1")
    assert "every recorded interaction was played" in info.value.response["Error"]["Message"]


def test_reset_rewinds_strict_cursors_and_clears_unmatched(strict_url: str) -> None:
    s3 = s3_client(strict_url)
    s3.get_bucket_tagging(Bucket="b1")
    with pytest.raises(ClientError):
        s3.get_bucket_tagging(Bucket="zzz")
    admin(strict_url, "reset", "POST")
    assert admin(strict_url, "unmatched") == (200, [])
    assert s3.get_bucket_tagging(Bucket="b1")["TagSet"][0]["Value"] == "one"
