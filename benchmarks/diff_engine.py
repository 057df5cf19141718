"""Diff engine speed: compare 10,000 pre-recorded response pairs in the engine alone.

The pairs are built once from real-shaped AWS responses (S3 XML listings and errors,
DynamoDB JSON items and errors, Lambda JSON), already normalised, in a realistic mix: most
pairs agree (the fast path), a fifth differ (deepdiff runs). Prints pairs/s; goal >= 5,000.

    python3 benchmarks/diff_engine.py [--pairs N]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from awsrec.cassette import Response  # noqa: E402
from awsrec.normalize import Normaliser  # noqa: E402
from replayer.diff.compare import compare_responses  # noqa: E402

S3_HEADERS = [("x-amz-request-id", "<request-id:1>"), ("x-amz-id-2", "<host-id:1>"),
              ("Content-Type", "application/xml"), ("Server", "AmazonS3")]  # fmt: skip
DDB_HEADERS = [("x-amzn-RequestId", "<request-id:1>"), ("x-amz-crc32", "<crc32>"),
               ("Content-Type", "application/x-amz-json-1.0")]  # fmt: skip


def s3_listing(n: int, size_bump: int = 0, order_swap: bool = False) -> bytes:
    contents = "".join(
        f"<Contents><Key>photos/{i:04d}.jpg</Key><LastModified>&lt;timestamp:iso8601-ms&gt;"
        f"</LastModified><ETag>&quot;{i:032x}&quot;</ETag><Size>{1000 + i + size_bump}</Size>"
        f"<StorageClass>STANDARD</StorageClass></Contents>" for i in range(n))  # fmt: skip
    head = ("<KeyCount>%d</KeyCount><Name>bucket</Name>" if order_swap
            else "<Name>bucket</Name><KeyCount>%d</KeyCount>") % n  # fmt: skip
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws'
            f'.com/doc/2006-03-01/">{head}<Prefix>photos/</Prefix><MaxKeys>1000</MaxKeys>'
            f"<IsTruncated>false</IsTruncated>{contents}</ListBucketResult>").encode()  # fmt: skip


def s3_error(code: str, message: str, rid: int) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>{message}'
            f"</Message><Key>a/b.txt</Key><RequestId>&lt;request-id:{rid}&gt;</RequestId>"
            f"<HostId>&lt;host-id:{rid}&gt;</HostId></Error>").encode()  # fmt: skip


def ddb_items(n: int, tweak: bool = False) -> bytes:
    items = [{"pk": {"S": f"user#{i}"}, "sk": {"N": str(i)}, "tags": {"SS": ["a", "b", "c"]},
              "profile": {"M": {"name": {"S": f"n{i}"}, "age": {"N": str(20 + i)}}}}
             for i in range(n)]  # fmt: skip
    if tweak:
        items[-1]["profile"]["M"]["age"] = {"S": "x"}  # type: ignore[index]
        items[0]["tags"] = {"SS": ["c", "b", "a"]}
    return json.dumps({"Items": items, "Count": n, "ScannedCount": n}).encode()


def ddb_error(code: str, message: str) -> bytes:
    return json.dumps({"__type": f"com.amazonaws.dynamodb.v20120810#{code}",
                       "message": message}).encode()  # fmt: skip


NO_KEY = s3_error("NoSuchKey", "The specified key does not exist.", 1)
NO_KEY_2 = s3_error("NoSuchKey", "The specified key does not exist.", 2)
NO_BUCKET = s3_error("NoSuchBucket", "The specified bucket does not exist", 1)
NO_TABLE = ddb_error("ResourceNotFoundException", "Requested resource not found")


Pair = tuple[str, str, Response, Response]


def build_pairs(count: int, seed: int = 7) -> list[Pair]:
    rnd = random.Random(seed)
    kinds: list[tuple[str, str, Response, Response]] = [
        ("s3", "ListObjectsV2", Response(200, S3_HEADERS, s3_listing(20)),
         Response(200, S3_HEADERS, s3_listing(20))),
        ("s3", "GetObject", Response(404, S3_HEADERS, NO_KEY),
         Response(404, S3_HEADERS, NO_KEY_2)),
        ("dynamodb", "Query", Response(200, DDB_HEADERS, ddb_items(10)),
         Response(200, DDB_HEADERS, ddb_items(10))),
        ("dynamodb", "GetItem", Response(400, DDB_HEADERS, NO_TABLE),
         Response(400, DDB_HEADERS, NO_TABLE)),
    ]  # fmt: skip
    differing: list[tuple[str, str, Response, Response]] = [
        ("s3", "ListObjectsV2", Response(200, S3_HEADERS, s3_listing(20)),
         Response(200, S3_HEADERS[:2], s3_listing(20, size_bump=1, order_swap=True))),
        ("s3", "GetObject", Response(404, S3_HEADERS, NO_KEY),
         Response(404, S3_HEADERS, NO_BUCKET)),
        ("dynamodb", "Query", Response(200, DDB_HEADERS, ddb_items(10)),
         Response(200, DDB_HEADERS, ddb_items(10, tweak=True))),
        ("dynamodb", "GetItem", Response(400, DDB_HEADERS, NO_TABLE),
         Response(200, DDB_HEADERS, b"{}")),
    ]  # fmt: skip
    pairs = []
    for _ in range(count):
        pool = differing if rnd.random() < 0.2 else kinds
        pairs.append(rnd.choice(pool))
    return pairs


def _round(pairs: list[Pair], normalise: bool) -> tuple[float, float, int]:
    """One pass over the pairs: (wall s, CPU s, differences found)."""
    start, start_cpu = time.perf_counter(), time.process_time()
    found = 0
    if normalise:
        # What a diff run does per interaction since both sides are normalised alike.
        recorded, target = Normaliser(), Normaliser()
        for service, operation, expected, actual in pairs:
            exp = recorded.normalise_response(service, operation, expected)
            act = target.normalise_response(service, operation, actual)
            found += len(compare_responses(service, operation, exp, act))
    else:
        for service, operation, expected, actual in pairs:
            found += len(compare_responses(service, operation, expected, actual))
    return time.perf_counter() - start, time.process_time() - start_cpu, found


def _load() -> str:
    return "/".join(f"{v:.1f}" for v in os.getloadavg())


def _measure(pairs: list[Pair], rounds: int, normalise: bool, label: str) -> float:
    results = [_round(pairs, normalise) for _ in range(rounds)]
    elapsed, cpu = min(r[0] for r in results), min(r[1] for r in results)
    per_round = ", ".join(f"{len(pairs) / r[0]:,.0f}" for r in results)
    print(f"{label}: {len(pairs) / elapsed:,.0f} pairs/s best of {rounds} ({per_round}); "
          f"per CPU-second {len(pairs) / cpu:,.0f}; {results[0][2]} differences; "
          f"load average {_load()}")  # fmt: skip
    return len(pairs) / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3, help="best of N (shared machines)")
    args = parser.parse_args()
    pairs = build_pairs(args.pairs)
    compare_responses(*pairs[0][:2], pairs[0][2], pairs[0][3])  # warm imports and caches
    Normaliser().normalise_response(*pairs[0][:3])
    differing = sum(1 for p in pairs if p[2].body != p[3].body or p[2].status != p[3].status)
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cpus, "
          f"Python {platform.python_version()}; load average {_load()} (1/5/15 min)")  # fmt: skip
    print(f"{len(pairs)} pairs, {differing} with differing bodies/status")
    rate = _measure(pairs, args.rounds, False, "compare only")
    _measure(pairs, args.rounds, True, "normalise both sides + compare")
    # On a shared machine wall time includes other processes' turns; CPU time does not.
    print(
        f"diff engine: {rate:,.0f} pairs/s (goal >= 5,000: {'met' if rate >= 5000 else 'MISSED'})"
    )


if __name__ == "__main__":
    main()
