"""Connection-level faults seen by real boto3: resets, truncation, stalls, delays, slow uploads."""

from __future__ import annotations

import time

import pytest
from botocore.exceptions import (
    ConnectionClosedError,
    ReadTimeoutError,
    ResponseStreamingError,
)

from tests.replayer.conftest import admin
from tests.replayer.faults.conftest import Faulty, boto, injected

BODY = bytes(range(256)) * 400  # 100 KiB

CUTS = """\
rules:
  - id: reset-mid-body
    match: {service: s3, operation: GetObject, key: "reset*"}
    do: {reset: {after_bytes: 1000}}
  - id: truncated
    match: {service: s3, operation: GetObject, key: "trunc*"}
    do: {truncate: 1000}
  - id: reset-before-headers
    match: {service: s3, operation: PutObject}
    when: {first: 1}
    do: {reset: before_headers}
  - id: reset-list
    match: {service: s3, operation: ListObjectsV2}
    do: {reset: after_headers}
"""


@pytest.fixture
def cuts(faulty: Faulty) -> str:
    server = faulty(CUTS)
    s3 = boto("s3", server.url, attempts=2)
    s3.create_bucket(Bucket="bkt")
    for key in ("reset", "trunc"):
        s3.put_object(Bucket="bkt", Key=key, Body=BODY)  # the first is reset, then retried
    return server.url


def test_reset_mid_body_is_a_connection_reset_while_streaming(cuts: str) -> None:
    s3 = boto("s3", cuts)
    response = s3.get_object(Bucket="bkt", Key="reset")
    assert response["ContentLength"] == len(BODY)  # the headers arrived whole
    with pytest.raises(ResponseStreamingError) as caught:
        response["Body"].read()
    assert "Connection reset by peer" in str(caught.value)


def test_truncate_is_an_orderly_close_short_of_content_length(cuts: str) -> None:
    s3 = boto("s3", cuts)
    response = s3.get_object(Bucket="bkt", Key="trunc")
    with pytest.raises(ResponseStreamingError) as caught:
        response["Body"].read()
    assert f"IncompleteRead(1000 bytes read, {len(BODY) - 1000} more expected)" in str(caught.value)


def test_reset_before_headers_is_retried_by_boto3(cuts: str) -> None:
    s3 = boto("s3", cuts)
    assert s3.get_object(Bucket="bkt", Key="reset", Range="bytes=0-0")["Body"].read() == b"\x00"
    puts = [ids for op, ids in injected(cuts) if op == "PutObject"]
    assert puts == [["reset-before-headers"], [], []]


def test_reset_before_headers_without_retries_is_connection_closed(faulty: Faulty) -> None:
    server = faulty(CUTS)
    s3 = boto("s3", server.url, attempts=1)
    s3.create_bucket(Bucket="bkt")
    with pytest.raises(ConnectionClosedError):
        s3.put_object(Bucket="bkt", Key="k", Body=b"x")


def test_reset_after_headers_of_a_parsed_response(cuts: str) -> None:
    s3 = boto("s3", cuts)
    with pytest.raises(ConnectionClosedError):
        s3.list_objects_v2(Bucket="bkt")


def test_stall_sends_headers_then_nothing_until_the_client_times_out(faulty: Faulty) -> None:
    server = faulty(
        """\
        - match: {service: s3, operation: GetObject}
          do: {stall: true}
        """
    )
    s3 = boto("s3", server.url, read_timeout=1)
    s3.create_bucket(Bucket="bkt")
    s3.put_object(Bucket="bkt", Key="k", Body=BODY)
    response = s3.get_object(Bucket="bkt", Key="k")
    assert response["ContentLength"] == len(BODY)
    with pytest.raises(ReadTimeoutError):
        response["Body"].read()
    assert admin(server.url, "health")[0] == 200


def test_stall_of_a_parsed_response_is_a_read_timeout(faulty: Faulty) -> None:
    server = faulty(
        """\
        - match: {service: s3, operation: ListBuckets}
          do: {stall: {seconds: 30}}
        """
    )
    with pytest.raises(ReadTimeoutError):
        boto("s3", server.url, read_timeout=1).list_buckets()


def test_delay_holds_the_answer_back(faulty: Faulty) -> None:
    server = faulty(
        """\
        - id: slow
          match: {service: s3, operation: ListBuckets}
          do: {delay: {ms: 300, jitter: uniform, jitter_ms: 100}}
        """
    )
    s3 = boto("s3", server.url)
    started = time.monotonic()
    s3.list_buckets()
    assert time.monotonic() - started >= 0.2  # a lower bound: sleeping cannot be faster
    assert injected(server.url) == [("ListBuckets", ["slow"])]


def test_request_bandwidth_holds_an_upload_back(faulty: Faulty) -> None:
    server = faulty(
        """\
        - match: {service: s3, operation: PutObject}
          do: {bandwidth: {request: 64 KiB}}
        """
    )
    s3 = boto("s3", server.url)
    s3.create_bucket(Bucket="bkt")
    started = time.monotonic()
    s3.put_object(Bucket="bkt", Key="k", Body=b"u" * 96 * 1024)
    # 96 KiB at 64 KiB/s: at least the time the bytes after the first chunk take.
    assert time.monotonic() - started >= 0.45
    assert s3.get_object(Bucket="bkt", Key="k")["Body"].read() == b"u" * 96 * 1024
