"""Added latency and throughput of `awsrec record`: one S3 GET/PUT workload, direct vs recorded.

Latency: starts a moto server, a plain `mitmdump` reverse proxy (no addon, default options) and a
recorder (endpoint mode, --upstream moto) on loopback, then runs the same sequential boto3
workload directly against moto, through plain mitmdump and through the recorder, interleaved so
machine noise hits all three alike, and reports the added p50/p99 latency per request.

Throughput: the same workload from `--threads` threads, directly and through the recorder, and
counts interactions *recorded* per second (the clock stops when the cassette writer has appended
the last one, not when the last answer arrived). Moto answers at most ~300 requests/s here, so
it is the ceiling of any proxy in front of it; the run is repeated with `awsrec serve` as the
upstream (several thousand requests/s), which leaves the recorder itself as the bottleneck.

Repeats all that `--runs` times, printing the load average, then the median and spread.

    python3 benchmarks/record_overhead.py [--requests 400] [--threads 8] [--runs 5]
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


def serve_upstream() -> Any:
    """awsrec's own replay server: an S3-compatible upstream fast enough not to be the limit."""
    port = free_port()
    args = [sys.executable, "-m", "awsrec", "serve", "--host", "127.0.0.1", "--port", str(port)]
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


def threaded(client: Any, n: int, threads: int, tag: str) -> float:
    """Run n GET/PUT requests spread over `threads` threads; the wall-clock seconds taken."""
    per = n // threads
    workers = [
        threading.Thread(target=timed_workload, args=(client, "bench", per, f"{tag}{t}"))
        for t in range(threads)
    ]
    start = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return time.perf_counter() - start


def sent(n: int, threads: int) -> int:
    """Requests `threaded` really sends: whole PUT/GET pairs, the same number per thread."""
    return n // threads // 2 * 2 * threads


def recorded_rate(recorder: Recorder, client: Any, n: int, threads: int) -> float:
    """Interactions recorded per second: until the writer has appended the last of them."""
    expected = recorder.recorded() + sent(n, threads)
    start = time.perf_counter()
    threaded(client, n, threads, "r")
    while recorder.recorded() < expected:
        if time.perf_counter() - start > 120:
            raise SystemExit(f"only {recorder.recorded()} of {expected} interactions recorded")
        time.sleep(0.001)
    return sent(n, threads) / (time.perf_counter() - start)


@dataclass
class Run:
    """One measurement: interleaved latency, then throughput against each upstream."""

    load: tuple[float, float]  # 1-minute load average before and after
    latency: dict[str, list[float]] = field(default_factory=dict)
    cpu_ms: dict[str, float] = field(default_factory=dict)  # per interaction, per process
    rps: dict[str, float] = field(default_factory=dict)  # "<upstream> <path>" -> per second

    def added(self, path: str, q: float) -> float:
        return pct(self.latency[path], q) - pct(self.latency["direct"], q)


@dataclass
class Bench:
    """The processes of one benchmark: clients per path, the recorders, their pids."""

    clients: dict[str, Any]  # path -> boto3 client, against moto
    # upstream ("moto", "serve") -> (boto3 client direct to it, its recorder, client through that)
    upstreams: dict[str, tuple[Any, Recorder, Any]]
    pids: dict[str, int]


def measure(bench: Bench, args: Any) -> Run:
    run = Run(load=(os.getloadavg()[0], 0.0))
    run.latency = {p: [] for p in PATHS}
    used = dict.fromkeys(bench.pids, 0.0)
    # The processes that serve each path, costed while that path runs.
    costed = {"mitmdump": ["mitmdump"], "recorder": ["proxy", "writer"]}
    rounds = 4  # interleave in slices: a burst of load hits every path, not just one
    for r in range(rounds):
        for path in PATHS:
            names = costed.get(path, [])
            before = {name: cpu_seconds(bench.pids[name]) for name in names}
            run.latency[path] += timed_workload(
                bench.clients[path], "bench", args.requests // rounds, f"s{r}"
            )
            for name in names:
                used[name] += cpu_seconds(bench.pids[name]) - before[name]
    n = len(run.latency["recorder"])
    run.cpu_ms = {name: seconds * 1000 / n for name, seconds in used.items()}
    total = args.requests * 2
    for upstream, (direct, recorder, through) in bench.upstreams.items():
        seconds = threaded(direct, total, args.threads, "d")
        run.rps[f"{upstream} direct"] = sent(total, args.threads) / seconds
        run.rps[f"{upstream} recorder"] = recorded_rate(recorder, through, total, args.threads)
    run.load = (run.load[0], os.getloadavg()[0])
    return run


def recorder_settings(work: Path, name: str, upstream: str) -> RecorderSettings:
    return RecorderSettings(
        out=str(work / f"{name}.awsrec"),
        upstream=upstream,
        upstream_identity=name,
        upstream_credentials=UpstreamCredentials(ACCESS_KEY, SECRET_KEY),
        confdir=str(work / f"ca-{name}"),
        offload=True,  # as `awsrec record -- CMD` runs it
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    moto_ctx, moto = moto_server()
    serve_ctx, serve = serve_upstream()
    with moto_ctx, serve_ctx, tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        plain_ctx, plain = plain_mitmdump(moto, work / "plain")
        with (
            plain_ctx as plain_proc,
            Recorder(recorder_settings(work, "moto", moto), work) as on_moto,
            Recorder(recorder_settings(work, "serve", serve), work) as on_serve,
        ):
            urls = {"direct": moto, "mitmdump": plain, "recorder": on_moto.url}
            clients = {path: s3(url, args.threads) for path, url in urls.items()}
            upstreams = {
                "moto": (clients["direct"], on_moto, clients["recorder"]),
                "serve": (s3(serve, args.threads), on_serve, s3(on_serve.url, args.threads)),
            }
            for direct, _, _ in upstreams.values():
                direct.create_bucket(Bucket="bench")
            serve_direct, _, serve_through = upstreams["serve"]
            for c in [*clients.values(), serve_direct, serve_through]:
                timed_workload(c, "bench", 40, "warm")
            pids = {"proxy": on_moto.pid, "writer": writer_pid(on_moto.pid)}
            pids["mitmdump"] = plain_proc.pid
            bench = Bench(clients, upstreams, pids)
            runs = []
            for i in range(args.runs):
                runs.append(measure(bench, args))
                print_run(i + 1, runs[-1], args)
        recorded = len(load_cassette(work / "moto.awsrec").interactions)
        recorded += len(load_cassette(work / "serve.awsrec").interactions)
        answered = on_moto.recorded() + on_serve.recorded()
    summary(runs, recorded, answered)


def print_run(i: int, run: Run, args: Any) -> None:
    if i == 1:
        cpu = platform.processor() or platform.machine()
        print(f"machine: {os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}")
        print(f"workload: {args.requests} sequential S3 PutObject/GetObject (1 KiB) per path,")
        print(f"interleaved in slices, then {args.requests * 2} from {args.threads} threads")
    print(f"\nrun {i}: load average {run.load[0]:.2f} -> {run.load[1]:.2f}")
    print(f"{'upstream moto':24}" + "".join(f"{p:>12}" for p in PATHS))
    for label, q in (("p50 latency (ms)", 50), ("p99 latency (ms)", 99)):
        print(f"{label:24}" + "".join(f"{pct(run.latency[p], q):12.2f}" for p in PATHS))
    for label, q in (("  added p50 (ms)", 50), ("  added p99 (ms)", 99)):
        print(f"{label:24}{'':12}" + "".join(f"{run.added(p, q):12.2f}" for p in PATHS[1:]))
    cpu = run.cpu_ms
    print(
        f"CPU per request: plain mitmdump {cpu['mitmdump']:.2f} ms; recorder: proxy "
        f"{cpu['proxy']:.2f} ms (on the answer's path), writer {cpu['writer']:.2f} ms (off it)"
    )
    print(f"{f'{args.threads} threads, per second':24}{'direct':>12}{'recorded':>12}")
    for upstream in ("moto", "serve"):
        label = f"  upstream {upstream}"
        direct, recorded = run.rps[f"{upstream} direct"], run.rps[f"{upstream} recorder"]
        print(f"{label:24}{direct:12.0f}{recorded:12.0f}")


def summary(runs: list[Run], recorded: int, answered: int) -> None:
    print(f"\nover {len(runs)} runs: median (min..max)")

    def line(label: str, values: list[float], unit: str, digits: int) -> None:
        v = sorted(values)
        mid = statistics.median(v)
        print(f"  {label:38} {mid:.{digits}f}{unit}  ({v[0]:.{digits}f}..{v[-1]:.{digits}f})")

    for path in PATHS[1:]:
        line(f"{path}: added p50, upstream moto", [r.added(path, 50) for r in runs], " ms", 2)
    line("recorder: added p99, upstream moto", [r.added("recorder", 99) for r in runs], " ms", 2)
    line("recorder: proxy CPU per interaction", [r.cpu_ms["proxy"] for r in runs], " ms", 2)
    line("plain mitmdump: CPU per request", [r.cpu_ms["mitmdump"] for r in runs], " ms", 2)
    ratios = [r.cpu_ms["proxy"] / r.cpu_ms["mitmdump"] * 100 for r in runs]
    line("recorder proxy CPU / plain mitmdump's", ratios, " %", 0)
    for upstream in ("moto", "serve"):
        for path in ("direct", "recorder"):
            label = f"{path}: per second, upstream {upstream}"
            line(label, [r.rps[f"{upstream} {path}"] for r in runs], "", 0)
    print(f"  interactions in the cassettes: {recorded} of {answered} recorded by the writer")


if __name__ == "__main__":
    main()
