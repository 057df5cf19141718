"""S3 serving speed: awsrec serve against moto server, ministack and s3rver, side by side.

Each server is started by this script on a free loopback port. Requests are signed once with
botocore and replayed as raw bytes over keep-alive connections by an asyncio client (so the
client stays cheap); for every server and workload it prints req/s, p50, p99 and the server's
CPU microseconds per request (from /proc/<pid>/stat of the server's process tree), then idle
RSS and ready time, and the ratios of awsrec to each peer.

    python benchmarks/serve_s3.py [--seconds 3] [--only awsrec,moto] [--no-install]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import boto3
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

BUCKET = "bench"
CLK_TCK = os.sysconf("SC_CLK_TCK")
PEER_CACHE = Path.home() / ".cache" / "awsrec-bench"
KIB = b"k" * 1024
MIB = os.urandom(1024 * 1024)


# --- servers ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _tree(pid: int) -> list[int]:
    """`pid` and its descendants."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def cpu_seconds(pid: int) -> float:
    total = 0
    for p in _tree(pid):
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / CLK_TCK


def rss_mb(pid: int) -> float:
    total = 0
    for p in _tree(pid):
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total / 1024


@dataclass
class Server:
    name: str
    argv: list[str]
    port: int
    env: dict[str, str] = field(default_factory=dict)
    # s3rver accepts only its documented fixed key pair S3RVER/S3RVER.
    key: str = "testing"
    proc: subprocess.Popen[bytes] | None = None
    ready_s: float = 0.0
    idle_rss_mb: float = 0.0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, log_dir: Path) -> None:
        log = open(log_dir / f"{self.name}.log", "wb")  # noqa: SIM115 - lives with the process
        t0 = time.monotonic()
        self.proc = subprocess.Popen(
            self.argv, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **self.env}
        )
        deadline = t0 + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}")
            if _answers(self.port):
                self.ready_s = time.monotonic() - t0
                time.sleep(0.5)  # let start-up work settle before measuring idle memory
                self.idle_rss_mb = rss_mb(self.proc.pid)
                return
            time.sleep(0.005)
        raise RuntimeError(f"{self.name} did not answer within 60 s")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            for pid in reversed(_tree(self.proc.pid)):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, 15)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def _answers(port: int) -> bool:
    """Whether the server answers an HTTP request at all (any status)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
            s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            return s.recv(16).startswith(b"HTTP/")
    except OSError:
        return False


def _installed_ministack(install: bool) -> bool:
    with contextlib.suppress(ImportError):
        import ministack  # noqa: F401

        return True
    if not install:
        return False
    done = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "ministack"], check=False)
    return done.returncode == 0


def _s3rver_bin(install: bool) -> Path | None:
    binary = PEER_CACHE / "s3rver" / "node_modules" / ".bin" / "s3rver"
    if binary.exists():
        return binary
    if not install or shutil.which("npm") is None:
        return None
    (PEER_CACHE / "s3rver").mkdir(parents=True, exist_ok=True)
    cmd = ["npm", "install", "--silent", "--no-audit", "--no-fund", "s3rver@3"]
    subprocess.run(cmd, cwd=PEER_CACHE / "s3rver", check=False)
    return binary if binary.exists() else None


def servers(install: bool, work: Path) -> tuple[list[Server], list[str]]:
    notes: list[str] = []
    found = [
        Server("awsrec", [sys.executable, "-m", "awsrec", "serve", "--port", "{port}"], 0),
        Server("moto", [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", "{port}"], 0),
    ]
    if _installed_ministack(install):
        found.append(Server("ministack", [sys.executable, "-m", "ministack"], 0))
    else:
        notes.append("ministack skipped: `pip install ministack` failed")
    s3rver = _s3rver_bin(install)
    if s3rver is not None and shutil.which("node"):
        argv = ["node", str(s3rver), "-d", str(work / "s3rver"), "-a", "127.0.0.1", "-p", "{port}"]
        (work / "s3rver").mkdir(exist_ok=True)
        found.append(Server("s3rver", [*argv, "--silent"], 0, key="S3RVER"))
    else:
        notes.append("s3rver skipped: node/npm or `npm install s3rver` unavailable")
    for server in found:
        server.port = free_port()
        server.argv = [a.replace("{port}", str(server.port)) for a in server.argv]
        server.env = {"GATEWAY_PORT": str(server.port), "BIND_HOST": "127.0.0.1"}
    return found, notes


# --- requests -----------------------------------------------------------------------------------


def signed(url: str, key: str, method: str, path: str, body: bytes = b"") -> bytes:
    """Raw HTTP/1.1 bytes of one SigV4-signed S3 request (signed once, sent many times)."""
    req = AWSRequest(method=method, url=f"{url}{path}", data=body)
    req.headers["x-amz-content-sha256"] = hashlib.sha256(body).hexdigest()
    S3SigV4Auth(Credentials(key, key), "s3", "us-east-1").add_auth(req)
    host = url.split("://", 1)[1]
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}"]
    lines += [f"{k}: {v}" for k, v in req.headers.items() if k.lower() != "host"]
    lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Read one response; (status, keep-alive)."""
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length, chunked, close = 0, False, False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        lname = name.strip().lower()
        if lname == b"content-length":
            length = int(value)
        elif lname == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
        elif lname == b"connection" and b"close" in value.lower():
            close = True
    if chunked:
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    elif length:
        await reader.readexactly(length)
    return status, not close


async def _worker(
    port: int, request: bytes, stop_at: float, latencies: list[float], errors: list[int]
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.perf_counter() < stop_at:
            t0 = time.perf_counter()
            writer.write(request)
            status, keep = await _read_response(reader)
            latencies.append(time.perf_counter() - t0)
            if status >= 300:
                errors.append(status)
            if not keep:
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
    finally:
        writer.close()


async def _load(
    port: int, request: bytes, concurrency: int, seconds: float
) -> tuple[list[float], list[int]]:
    latencies: list[float] = []
    errors: list[int] = []
    stop_at = time.perf_counter() + seconds
    await asyncio.gather(
        *(_worker(port, request, stop_at, latencies, errors) for _ in range(concurrency))
    )
    return latencies, errors


@dataclass
class Result:
    rps: float
    p50_ms: float
    p99_ms: float
    cpu_us: float
    errors: int


def run_workload(server: Server, request: bytes, concurrency: int, seconds: float) -> Result:
    assert server.proc is not None
    asyncio.run(_load(server.port, request, concurrency, min(0.3, seconds)))  # warm-up
    cpu0 = cpu_seconds(server.proc.pid)
    t0 = time.perf_counter()
    latencies, errors = asyncio.run(_load(server.port, request, concurrency, seconds))
    wall = time.perf_counter() - t0
    cpu = cpu_seconds(server.proc.pid) - cpu0
    latencies.sort()
    n = len(latencies)
    return Result(
        rps=n / wall,
        p50_ms=latencies[n // 2] * 1000 if n else 0.0,
        p99_ms=latencies[min(n - 1, int(n * 0.99))] * 1000 if n else 0.0,
        cpu_us=cpu / n * 1e6 if n else 0.0,
        errors=len(errors),
    )


def setup(server: Server) -> None:
    """Bucket, a 1 KiB and a 1 MiB object, and 1,000 keys to list."""
    s3 = boto3.client(
        "s3",
        endpoint_url=server.url,
        region_name="us-east-1",
        aws_access_key_id=server.key,
        aws_secret_access_key=server.key,
        config=Config(s3={"addressing_style": "path"}, max_pool_connections=8),
    )
    s3.create_bucket(Bucket=BUCKET)
    s3.put_object(Bucket=BUCKET, Key="small", Body=KIB)
    s3.put_object(Bucket=BUCKET, Key="big", Body=MIB)
    with ThreadPoolExecutor(8) as pool:
        list(
            pool.map(
                lambda i: s3.put_object(Bucket=BUCKET, Key=f"list/k{i:04d}", Body=b"x"), range(1000)
            )
        )


LIST = f"/{BUCKET}?list-type=2&max-keys=100&prefix=list%2F"
WORKLOADS: list[tuple[str, int, Callable[[Server], bytes]]] = [
    ("PutObject 1 KiB", 8, lambda s: signed(s.url, s.key, "PUT", f"/{BUCKET}/put-1k", KIB)),
    ("GetObject 1 KiB", 8, lambda s: signed(s.url, s.key, "GET", f"/{BUCKET}/small")),
    ("GetObject 1 MiB", 8, lambda s: signed(s.url, s.key, "GET", f"/{BUCKET}/big")),
    ("ListObjectsV2 1000/100", 8, lambda s: signed(s.url, s.key, "GET", LIST)),
    ("GetObject 1 KiB c=1", 1, lambda s: signed(s.url, s.key, "GET", f"/{BUCKET}/small")),
]


# --- report -------------------------------------------------------------------------------------


def machine() -> str:
    cpu = "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return (
        f"{platform.platform()}, {os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}"
    )


def load_average() -> str:
    """The 1/5/15-minute load averages: the machine is shared, so figures vary with them."""
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def report(
    results: dict[str, dict[str, Result]],
    started: list[Server],
    notes: list[str],
    load_before: str,
) -> None:
    print(f"\nmachine: {machine()}")
    print(f"load average (1/5/15 min): {load_before} before, {load_average()} after")
    print("| workload | server | req/s | p50 ms | p99 ms | server CPU us/req | errors |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for workload, _, _ in WORKLOADS:
        for server in started:
            r = results[server.name].get(workload)
            if r is not None:
                print(
                    f"| {workload} | {server.name} | {r.rps:,.0f} | {r.p50_ms:.2f} | "
                    f"{r.p99_ms:.2f} | {r.cpu_us:,.0f} | {r.errors} |"
                )
    print("\n| server | ready s | idle RSS MB |")
    print("|---|---:|---:|")
    for server in started:
        print(f"| {server.name} | {server.ready_s:.2f} | {server.idle_rss_mb:.1f} |")
    ours = results.get("awsrec", {})
    print("\nratios (awsrec req/s / peer req/s; peer CPU per req / awsrec CPU per req):")
    for server in started:
        if server.name == "awsrec":
            continue
        for workload, _, _ in WORKLOADS:
            a, p = ours.get(workload), results[server.name].get(workload)
            if a and p and p.rps and a.cpu_us:
                print(
                    f"  vs {server.name:9} {workload:24} throughput x{a.rps / p.rps:.2f}  "
                    f"CPU x{p.cpu_us / a.cpu_us:.1f}"
                )
    for note in notes:
        print(f"note: {note}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="duration of each workload")
    parser.add_argument("--only", default="", help="comma-separated server names")
    parser.add_argument("--no-install", action="store_true", help="do not install peers")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="awsrec-bench-") as tmp:
        found, notes = servers(not args.no_install, Path(tmp))
        if args.only:
            found = [s for s in found if s.name in args.only.split(",")]
        results: dict[str, dict[str, Result]] = {}
        started: list[Server] = []
        load_before = load_average()
        for server in found:
            with _running(server, Path(tmp), notes) as ok:
                if not ok:
                    continue
                started.append(server)
                results[server.name] = {}
                for workload, concurrency, build in WORKLOADS:
                    result = run_workload(server, build(server), concurrency, args.seconds)
                    results[server.name][workload] = result
                    print(f"{server.name:9} {workload:24} {result.rps:8,.0f} req/s", flush=True)
        report(results, started, notes, load_before)


@contextlib.contextmanager
def _running(server: Server, work: Path, notes: list[str]) -> Iterator[bool]:
    try:
        server.start(work)
        setup(server)
    except Exception as e:  # a peer that cannot start is skipped with a note
        notes.append(f"{server.name} skipped: {e}")
        server.stop()
        yield False
        return
    try:
        yield True
    finally:
        server.stop()


if __name__ == "__main__":
    main()
