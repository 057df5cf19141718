"""Added latency and throughput of `awsrec record`: one S3 GET/PUT workload, direct vs recorded.

Starts a moto server, a plain `mitmdump` reverse proxy (no addon, default options) and a recorder
(endpoint mode, --upstream moto) on loopback, then runs the same boto3 workload directly against
moto, through plain mitmdump and through the recorder, interleaved so machine noise hits all
three alike. Repeats that `--runs` times, printing the load average, and reports the added p50/p99
latency per request (best run and spread), the CPU each process spends per interaction, and
requests/s with threads.

    python3 benchmarks/record_overhead.py [--requests 400] [--threads 8] [--runs 3]
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
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from awsrec.cassette import load_cassette  # noqa: E402
from recorder.launcher import Recorder  # noqa: E402
from recorder.settings import RecorderSettings, UpstreamCredentials  # noqa: E402

ACCESS_KEY, SECRET_KEY = "AKIDBENCHMARK0000001", "benchmark-secret-key-0000000000000000000"
PATHS = ("direct", "mitmdump", "recorder")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_http(url: str) -> None:
    for _ in range(1200):
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"{url} never answered")


@contextmanager
def child(args: list[str], probe: str) -> Iterator[subprocess.Popen[bytes]]:
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_http(probe)
        yield proc
    finally:
        proc.terminate()
        proc.wait(10)


def moto_server() -> Any:
    port = free_port()
    args = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
    return child(args, f"http://127.0.0.1:{port}/moto-api/"), f"http://127.0.0.1:{port}"


def plain_mitmdump(upstream: str, confdir: Path) -> Any:
    """mitmdump as it comes: reverse proxy, default addons and options, no script."""
    port = free_port()
    args = [sys.executable, "-c", "from mitmproxy.tools.main import mitmdump; mitmdump()", "-q"]
    args += ["--mode", f"reverse:{upstream}", "--listen-host", "127.0.0.1"]
    args += ["--listen-port", str(port), "--set", f"confdir={confdir}"]
    return child(args, f"http://127.0.0.1:{port}/"), f"http://127.0.0.1:{port}"


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


def writer_pid(proxy_pid: int) -> int:
    """The recorder's cassette writer: the mitmdump child's child process."""
    children = Path(f"/proc/{proxy_pid}/task/{proxy_pid}/children").read_text().split()
    return int(children[0]) if children else 0


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


@dataclass
class Run:
    """One interleaved measurement of the three paths."""

    load: tuple[float, float]  # 1-minute load average before and after
    latency: dict[str, list[float]] = field(default_factory=dict)
    cpu_ms: dict[str, float] = field(default_factory=dict)  # per interaction, per process
    rps: dict[str, float] = field(default_factory=dict)

    def added(self, path: str, q: float) -> float:
        return pct(self.latency[path], q) - pct(self.latency["direct"], q)


def measure(clients: dict[str, Any], pids: dict[str, int], args: Any) -> Run:
    run = Run(load=(os.getloadavg()[0], 0.0))
    run.latency = {p: [] for p in PATHS}
    used = dict.fromkeys(pids, 0.0)
    rounds = 4  # interleave in slices: a burst of load hits every path, not just one
    for r in range(rounds):
        for path in PATHS:
            before = {name: cpu_seconds(pid) for name, pid in pids.items()}
            run.latency[path] += timed_workload(
                clients[path], "bench", args.requests // rounds, f"s{r}"
            )
            if path == "recorder":
                for name, pid in pids.items():
                    used[name] += cpu_seconds(pid) - before[name]
    n = len(run.latency["recorder"])
    run.cpu_ms = {name: seconds * 1000 / n for name, seconds in used.items()}
    for path in PATHS:
        run.rps[path] = throughput(clients[path], "bench", args.requests, args.threads)
    run.load = (run.load[0], os.getloadavg()[0])
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    moto_ctx, moto = moto_server()
    with moto_ctx, tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        out = work / "bench.awsrec"
        settings = RecorderSettings(
            out=str(out),
            upstream=moto,
            upstream_identity="moto-server",
            upstream_credentials=UpstreamCredentials(ACCESS_KEY, SECRET_KEY),
            confdir=str(work / "ca"),
            offload=True,  # as `awsrec record -- CMD` runs it
        )
        plain_ctx, plain = plain_mitmdump(moto, work / "plain")
        with plain_ctx, Recorder(settings, work) as recorder:
            urls = {"direct": moto, "mitmdump": plain, "recorder": recorder.url}
            clients = {path: s3(url, args.threads) for path, url in urls.items()}
            clients["direct"].create_bucket(Bucket="bench")
            for c in clients.values():
                timed_workload(c, "bench", 40, "warm")
            pids = {"proxy": recorder.pid, "writer": writer_pid(recorder.pid)}
            runs = []
            for i in range(args.runs):
                runs.append(measure(clients, pids, args))
                print_run(i + 1, runs[-1], args)
        recorded = len(load_cassette(out).interactions)
    summary(runs, recorded)


def print_run(i: int, run: Run, args: Any) -> None:
    if i == 1:
        cpu = platform.processor() or platform.machine()
        print(f"machine: {os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}")
        print(f"workload: {args.requests} sequential S3 PutObject/GetObject (1 KiB) per path,")
        print(f"interleaved in slices, then the same with {args.threads} threads")
    print(f"\nrun {i}: load average {run.load[0]:.2f} -> {run.load[1]:.2f}")
    print(f"{'':24}" + "".join(f"{p:>12}" for p in PATHS))
    for label, q in (("p50 latency (ms)", 50), ("p99 latency (ms)", 99)):
        print(f"{label:24}" + "".join(f"{pct(run.latency[p], q):12.2f}" for p in PATHS))
    for label, q in (("  added p50 (ms)", 50), ("  added p99 (ms)", 99)):
        print(f"{label:24}{'':12}" + "".join(f"{run.added(p, q):12.2f}" for p in PATHS[1:]))
    print(
        f"{f'requests/s, {args.threads} threads':24}"
        + "".join(f"{run.rps[p]:12.0f}" for p in PATHS)
    )
    cpu = run.cpu_ms
    print(
        f"recorder CPU per interaction: proxy {cpu['proxy']:.2f} ms (on the answer's path), "
        f"writer {cpu['writer']:.2f} ms (off it)"
    )


def summary(runs: list[Run], recorded: int) -> None:
    print(f"\nover {len(runs)} runs (best, and spread min..max):")
    for path in PATHS[1:]:
        added = sorted(r.added(path, 50) for r in runs)
        print(f"  {path:9} added p50 {added[0]:.2f} ms  ({added[0]:.2f}..{added[-1]:.2f})")
    rps = sorted(r.rps["recorder"] for r in runs)
    proxy = sorted(r.cpu_ms["proxy"] for r in runs)
    print(
        f"  recorder  requests/s {rps[-1]:.0f} ({rps[0]:.0f}..{rps[-1]:.0f}); "
        f"proxy CPU {proxy[0]:.2f} ms/interaction ({proxy[0]:.2f}..{proxy[-1]:.2f}): "
        f"one core proxies at most {1000 / proxy[0]:.0f}/s"
    )
    print(f"  recorded interactions: {recorded}")


if __name__ == "__main__":
    main()
