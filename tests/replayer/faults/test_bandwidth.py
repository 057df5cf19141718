"""A response bandwidth cap, measured end to end through a real boto3 download."""

from __future__ import annotations

import time

import pytest

from tests.replayer.faults.conftest import Faulty, boto, injected

MIB = 1024 * 1024


@pytest.mark.slow
def test_one_mib_per_second_makes_a_4_mib_get_take_about_4_s(faulty: Faulty) -> None:
    server = faulty(
        """\
        - id: slow-link
          match: {service: s3, operation: GetObject}
          do: {bandwidth: {response: 1 MiB}}
        """
    )
    s3 = boto("s3", server.url)
    s3.create_bucket(Bucket="bkt")
    body = bytes(range(256)) * (4 * MIB // 256)
    s3.put_object(Bucket="bkt", Key="big", Body=body)
    started = time.monotonic()
    got = s3.get_object(Bucket="bkt", Key="big")["Body"].read()
    elapsed = time.monotonic() - started
    assert got == body
    assert 3.0 <= elapsed <= 8.0, f"4 MiB at 1 MiB/s took {elapsed:.2f} s"
    # The server journals a request once its last byte is sent, which the client may beat.
    deadline = time.monotonic() + 10
    while injected(server.url)[-1][0] != "GetObject" and time.monotonic() < deadline:
        time.sleep(0.01)
    assert injected(server.url)[-1] == ("GetObject", ["slow-link"])
