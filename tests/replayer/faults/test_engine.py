"""When-conditions and determinism: counters, seeded probability, windows, rule order."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from replayer.server.faults import Faults, rules_from_text
from replayer.state.base import Body, Headers, ServeRequest
from tests.replayer.conftest import reset
from tests.replayer.faults.conftest import Faulty, boto, injected

SEEDED = """\
seed: {seed}
rules:
  - id: coin
    match: {{service: s3, operation: HeadObject}}
    when: {{probability: 0.3}}
    do: {{error: InternalError}}
"""


def heads(s3: Any, n: int) -> list[bool]:
    """Send n HeadObject requests; True where the fault answered."""
    codes = []
    for _ in range(n):
        try:
            s3.head_object(Bucket="bkt", Key="k")
            codes.append("")
        except ClientError as e:
            codes.append(e.response["Error"]["Code"])
    assert set(codes) <= {"", "500"}  # HEAD: the status alone, no body
    return [code == "500" for code in codes]


def prepare(url: str) -> Any:
    s3 = boto("s3", url)
    s3.create_bucket(Bucket="bkt")
    s3.put_object(Bucket="bkt", Key="k", Body=b"x")
    return s3


def test_seeded_probability_repeats_the_same_injections(faulty: Faulty) -> None:
    first = faulty(SEEDED.format(seed=7))
    once = heads(prepare(first.url), 40)
    reset(first.url)  # back to W0, and the fault counters and generators to their start
    twice = heads(prepare(first.url), 40)
    other = faulty(SEEDED.format(seed=7))
    elsewhere = heads(prepare(other.url), 40)
    assert once == twice == elsewhere
    assert 0 < sum(once) < 40
    reseeded = faulty(SEEDED.format(seed=8))
    assert heads(prepare(reseeded.url), 40) != once


def test_counting_conditions(faulty: Faulty) -> None:
    server = faulty(
        """\
        - {id: nth, match: {operation: ListBuckets}, when: {nth: 2}, do: {delay: 1}}
        - {id: every, match: {operation: ListBuckets}, when: {every: 3}, do: {delay: 1}}
        - {id: after, match: {operation: ListBuckets}, when: {after: 4}, do: {delay: 1}}
        - {id: first, match: {operation: ListBuckets}, when: {first: 1}, do: {delay: 1}}
        - {id: both, match: {operation: ListBuckets}, when: {after: 1, every: 2}, do: {delay: 1}}
        """
    )
    s3 = boto("s3", server.url)
    for _ in range(6):
        s3.list_buckets()
    assert [ids for _, ids in injected(server.url)] == [
        ["first"],
        ["nth", "both"],
        ["every"],
        ["both"],
        ["after"],
        ["every", "after", "both"],
    ]


def test_time_window(faulty: Faulty) -> None:
    server = faulty(
        """\
        - {id: now, match: {operation: ListBuckets}, when: {window: [0, 3600]}, do: {delay: 1}}
        - {id: later, match: {operation: ListBuckets}, when: {window: {start: 3600}},
           do: {delay: 1}}
        """
    )
    boto("s3", server.url).list_buckets()
    assert injected(server.url) == [("ListBuckets", ["now"])]


def test_first_error_rule_wins_and_delays_add_up(faulty: Faulty) -> None:
    server = faulty(
        """\
        - {id: slow, match: {service: s3}, do: {delay: 1}}
        - {id: fails, match: {service: s3}, do: {error: InternalError}}
        - {id: also-fails, match: {service: s3}, do: {error: SlowDown}}
        """
    )
    with pytest.raises(ClientError) as caught:
        boto("s3", server.url).list_buckets()
    assert caught.value.response["Error"]["Code"] == "InternalError"
    assert injected(server.url) == [("ListBuckets", ["slow", "fails"])]


def request(operation: str = "GetObject") -> ServeRequest:
    return ServeRequest(
        service="s3", operation=operation, method="GET", path="/bkt/k", query=[],
        headers=Headers(), labels={"Bucket": "bkt", "Key": "k"}, body=Body.from_bytes(b""),
    )  # fmt: skip


JITTER = """\
seed: 11
rules:
  - {id: uniform, match: {operation: GetObject}, do: {delay: {ms: 100, jitter_ms: 40}}}
  - {id: lognormal, match: {operation: HeadObject},
     do: {delay: {ms: 100, jitter: lognormal, sigma: 0.5}}}
"""


def delays(operation: str) -> list[float]:
    faults = Faults(rules_from_text(JITTER, "jitter.yaml"))
    out = []
    for _ in range(50):
        injection = faults.decide(request(operation), None)
        assert injection is not None
        out.append(injection.delay_s)
    return out


def test_jitter_is_drawn_from_the_seeded_generator() -> None:
    uniform = delays("GetObject")
    assert uniform == delays("GetObject")
    assert all(0.06 <= d <= 0.14 for d in uniform)
    assert len(set(uniform)) == 50
    lognormal = delays("HeadObject")
    assert lognormal == delays("HeadObject")
    assert min(lognormal) < 0.1 < max(lognormal)  # spread around the median both ways
