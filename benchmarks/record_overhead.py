"""Added latency and throughput of `awsrec record`: one S3 GET/PUT workload, direct vs recorded.

Starts a moto server and a recorder (endpoint mode, --upstream moto) on loopback, then runs the
same boto3 workload directly against moto and through the recorder, and prints the added p50/p99
latency per request and the recorded interactions per second (sequential and with threads).

    python3 benchmarks/record_overhead.py [--requests 400] [--threads 8]
"""

from __future__ import annotations

import argparse
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from awsrec.cassette import load_cassette  # noqa: E402
from recorder.launcher import Recorder  # noqa: E402
from recorder.settings import RecorderSettings, UpstreamCredentials  # noqa: E402

ACCESS_KEY, SECRET_KEY = "AKIDBENCHMARK0000001", "benchmark-secret-key-0000000000000000000"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def moto_server() -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(f"{url}/moto-api/", timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


def s3(endpoint: str, pool: int = 10) -> Any:
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        config=Config(retries={"max_attempts": 1}, max_pool_connections=pool),
    )


def timed_workload(client: Any, bucket: str, n: int, tag: str) -> list[float]:
    """n/2 PutObject + n/2 GetObject of 1 KiB objects; per-request latency in ms."""
    body = os.urandom(1024)
    times: list[float] = []
    for i in range(n // 2):
        key = f"{tag}/{i % 50}"
        start = time.perf_counter()
        client.put_object(Bucket=bucket, Key=key, Body=body)
        mid = time.perf_counter()
        client.get_object(Bucket=bucket, Key=key)["Body"].read()
        end = time.perf_counter()
        times += [(mid - start) * 1000, (end - mid) * 1000]
    return times


def cpu_seconds(pid: int) -> float:
    """User+system CPU time of process `pid` (Linux /proc), to cost each interaction."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def throughput(client: Any, bucket: str, n: int, threads: int) -> float:
    """Wall-clock requests/s of n GET/PUT requests spread over `threads` threads."""
    per = n // threads
    workers = [
        threading.Thread(target=timed_workload, args=(client, bucket, per, f"t{t}"))
        for t in range(threads)
    ]
    start = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return (per // 2 * 2 * threads) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    with moto_server() as moto, tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        out = work / "bench.awsrec"
        settings = RecorderSettings(
            out=str(out),
            upstream=moto,
            upstream_identity="moto-server",
            upstream_credentials=UpstreamCredentials(ACCESS_KEY, SECRET_KEY),
            confdir=str(work / "ca"),
        )
        with Recorder(settings, work) as recorder:
            direct, through = s3(moto, args.threads), s3(recorder.url, args.threads)
            direct.create_bucket(Bucket="bench")
            timed_workload(direct, "bench", 40, "warm")  # warm both paths up
            timed_workload(through, "bench", 40, "warm")
            d = timed_workload(direct, "bench", args.requests, "seq")
            cpu0 = cpu_seconds(recorder.pid)
            r = timed_workload(through, "bench", args.requests, "seq")
            cpu_ms = (cpu_seconds(recorder.pid) - cpu0) * 1000 / len(r)
            d_rps = throughput(direct, "bench", args.requests, args.threads)
            r_rps = throughput(through, "bench", args.requests, args.threads)
        recorded = len(load_cassette(out).interactions)
    report(d, r, d_rps, r_rps, recorded, args)
    print(f"recorder CPU per interaction: {cpu_ms:.2f} ms (one core: {1000 / cpu_ms:.0f}/s)")


def report(
    d: list[float], r: list[float], d_rps: float, r_rps: float, recorded: int, args: Any
) -> None:
    cpu = platform.processor() or platform.machine()
    print(f"machine: {os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}")
    print(f"workload: {args.requests} sequential S3 PutObject/GetObject (1 KiB), then threaded")
    print(f"{'':22}{'direct (moto)':>16}{'via recorder':>16}{'added':>10}")
    for label, q in (("p50 latency (ms)", 50), ("p99 latency (ms)", 99)):
        a, b = pct(d, q), pct(r, q)
        print(f"{label:22}{a:16.2f}{b:16.2f}{b - a:10.2f}")
    print(f"{'requests/s, ' + str(args.threads) + ' threads':22}{d_rps:16.0f}{r_rps:16.0f}")
    print(f"recorded interactions: {recorded}; recorded interactions/s: {r_rps:.0f}")


if __name__ == "__main__":
    main()
