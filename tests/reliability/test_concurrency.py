"""64 concurrent clients on shared keys: no lost update, no torn listing, memory back on reset."""

from __future__ import annotations

import hashlib
import random
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.reliability.conftest import ServeProcess
from tests.replayer.conftest import CREDENTIALS, REGION, admin

CLIENTS = 64
KEYS = [f"shared/{n}" for n in range(16)]
TABLE = "concurrency"


def _client(service: str, url: str) -> Any:
    cfg = Config(
        retries={"max_attempts": 1},
        max_pool_connections=CLIENTS,
        s3={"addressing_style": "path"},
    )
    return boto3.client(service, endpoint_url=url, region_name=REGION, config=cfg, **CREDENTIALS)


def _body(rng: random.Random) -> bytes:
    payload = rng.randbytes(rng.randrange(0, 16 * 1024))
    # Self-describing: a reader can tell a whole body from a torn one.
    return hashlib.sha256(payload).hexdigest().encode() + payload


def _whole(body: bytes) -> bool:
    return hashlib.sha256(body[64:]).hexdigest().encode() == body[:64]


@dataclass
class Tally:
    """What the clients did, shared between threads under one lock."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    increments: int = 0
    ops: Counter[str] = field(default_factory=Counter)
    written: set[tuple[int, str]] = field(default_factory=set)  # (size, md5) of every PUT body
    failures: list[str] = field(default_factory=list)
    torn: list[str] = field(default_factory=list)


class Workload:
    """Each client mixes S3 writes/reads/deletes/lists and DynamoDB conditional increments."""

    def __init__(self, url: str) -> None:
        self.s3 = _client("s3", url)
        self.ddb = _client("dynamodb", url)
        self.tally = Tally()

    def setup(self) -> None:
        self.s3.create_bucket(Bucket="shared")
        self.ddb.create_table(
            TableName=TABLE,
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        self.ddb.put_item(TableName=TABLE, Item={"pk": {"S": "counter"}, "n": {"N": "0"}})

    def run(self, seed: int, until: float | None, ops: int) -> None:
        rng = random.Random(seed)
        done = 0
        while (until is not None and time.monotonic() < until) or done < ops:
            op = rng.choices(["put", "get", "delete", "list", "inc"], [4, 2, 1, 2, 2])[0]
            try:
                getattr(self, op)(rng)
            except Exception as e:  # every failure is reported, none is expected
                with self.tally.lock:
                    self.tally.failures.append(f"{op}: {e!r}"[:300])
            with self.tally.lock:
                self.tally.ops[op] += 1
            done += 1

    def put(self, rng: random.Random) -> None:
        body = _body(rng)
        with self.tally.lock:
            self.tally.written.add((len(body), hashlib.md5(body).hexdigest()))
        self.s3.put_object(Bucket="shared", Key=rng.choice(KEYS), Body=body)

    def get(self, rng: random.Random) -> None:
        try:
            body = self.s3.get_object(Bucket="shared", Key=rng.choice(KEYS))["Body"].read()
        except ClientError as e:
            if e.response["Error"]["Code"] != "NoSuchKey":
                raise
            return
        if not _whole(body):
            with self.tally.lock:
                self.tally.torn.append(f"GET returned a torn body of {len(body)} bytes")

    def delete(self, rng: random.Random) -> None:
        self.s3.delete_object(Bucket="shared", Key=rng.choice(KEYS))

    def list(self, rng: random.Random) -> None:
        for obj in self.s3.list_objects_v2(Bucket="shared").get("Contents", []):
            seen = (obj["Size"], obj["ETag"].strip('"'))
            with self.tally.lock:
                if seen not in self.tally.written:
                    self.tally.torn.append(f"listing shows {obj['Key']} {seen}, never written")

    def inc(self, rng: random.Random) -> None:
        key = {"pk": {"S": "counter"}}
        n = self.ddb.get_item(TableName=TABLE, Key=key, ConsistentRead=True)["Item"]["n"]["N"]
        try:
            self.ddb.update_item(
                TableName=TABLE,
                Key=key,
                UpdateExpression="SET n = n + :one",
                ConditionExpression="n = :seen",
                ExpressionAttributeValues={":one": {"N": "1"}, ":seen": {"N": n}},
            )
        except ClientError as e:
            if e.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            return
        with self.tally.lock:
            self.tally.increments += 1

    def load(self, seconds: float | None, ops: int) -> None:
        until = time.monotonic() + seconds if seconds is not None else None
        with ThreadPoolExecutor(CLIENTS) as pool:
            for f in [pool.submit(self.run, seed, until, ops) for seed in range(CLIENTS)]:
                f.result()

    def check(self) -> None:
        tally = self.tally
        assert tally.failures == [], tally.failures[:5]
        assert tally.torn == [], tally.torn[:5]
        item = self.ddb.get_item(TableName=TABLE, Key={"pk": {"S": "counter"}})["Item"]
        assert int(item["n"]["N"]) == tally.increments  # no lost update
        assert tally.increments > 0


def test_64_clients_shared_keys_no_lost_update_no_torn_object(serve_process: Any) -> None:
    server: ServeProcess = serve_process([])
    work = Workload(server.url)
    work.setup()
    work.load(None, ops=10)
    work.check()
    print(f"\n{CLIENTS} clients: {dict(work.tally.ops)}, {work.tally.increments} increments")


@pytest.mark.slow
def test_64_clients_for_30s_then_reset_returns_memory(serve_process: Any) -> None:
    server: ServeProcess = serve_process([])
    # Warm-up: the same workload once, then reset, so the baseline includes what a served
    # request leaves behind for good (imported modules, caches, allocator arenas).
    warm = Workload(server.url)
    warm.setup()
    warm.load(None, ops=15)
    assert admin(server.url, "reset", "POST")[0] == 200
    baseline = server.rss_kb()
    work = Workload(server.url)
    work.setup()
    work.load(30.0, ops=0)
    work.check()
    peak = server.rss_kb()
    assert admin(server.url, "reset", "POST")[0] == 200
    after = server.rss_kb()
    total = sum(work.tally.ops.values())
    print(
        f"\n{CLIENTS} clients x 30 s: {total} requests {dict(work.tally.ops)}, "
        f"{work.tally.increments} increments; RSS kB baseline {baseline}, under load {peak}, "
        f"after reset {after} ({(after - baseline) / baseline:+.1%})"
    )
    assert after <= baseline * 1.10
