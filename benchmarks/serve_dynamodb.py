"""DynamoDB serving speed: awsrec serve vs moto server, ministack and dynalite, in one run.

Workloads (concurrency 8, keep-alive connections, requests signed once with botocore):
PutItem, GetItem, and Query of a 100-item partition with Limit 25. Prints req/s, p50, p99,
server CPU microseconds per request (from /proc/PID/stat) and each peer's ratio to awsrec.

    python benchmarks/serve_dynamodb.py [--seconds 4] [--only awsrec,moto]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import boto3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

CONCURRENCY = 8
TABLE = "bench"
CREDS = Credentials("testing", "testing")
DYNALITE_DIR = Path(tempfile.gettempdir()) / "awsrec-bench-dynalite"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_up(url: str, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"exited with {proc.returncode}")
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer")


def dynalite_command() -> list[str] | None:
    if not shutil.which("npm") or not shutil.which("node"):
        return None
    cli = DYNALITE_DIR / "node_modules" / ".bin" / "dynalite"
    if not cli.exists():
        DYNALITE_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["npm", "install", "--silent", "--prefix", str(DYNALITE_DIR), "dynalite"],
            check=False,
            capture_output=True,
            timeout=300,
        )
    return ["node", str(cli)] if cli.exists() else None


def commands(port: int) -> dict[str, tuple[list[str], dict[str, str]] | str]:
    """Each target's command line and environment, or a note saying why it is skipped."""
    out: dict[str, tuple[list[str], dict[str, str]] | str] = {
        "awsrec": ([sys.executable, "-m", "awsrec", "serve", "--port", str(port)], {}),
        "moto": ([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)], {}),
    }
    try:
        import ministack  # noqa: F401

        env = {"BIND_HOST": "127.0.0.1", "GATEWAY_PORT": str(port), "LOG_LEVEL": "WARNING"}
        out["ministack"] = ([sys.executable, "-m", "ministack"], env)
    except ImportError:
        out["ministack"] = "skipped: `pip install ministack` failed or was not run"
    dyn = dynalite_command()
    if dyn:
        args = ["--host", "127.0.0.1", "--port", str(port), "--createTableMs", "0"]
        out["dynalite"] = ([*dyn, *args], {})
    else:
        out["dynalite"] = "skipped: npm/node unavailable or `npm install dynalite` failed"
    return out


@contextmanager
def running(cmd: list[str], env: dict[str, str], port: int) -> Iterator[int]:
    proc = subprocess.Popen(
        cmd, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_up(f"http://127.0.0.1:{port}/", proc)
        yield proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def cpu_seconds(pid: int) -> float:
    """utime + stime of the server process and its threads (and reaped children)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = sum(int(x) for x in fields[11:15])
    return ticks / os.sysconf("SC_CLK_TCK")


def signed(port: int, op: str, doc: dict[str, object]) -> bytes:
    """A complete raw HTTP/1.1 request, signed once and replayed as is."""
    body = json.dumps(doc).encode()
    req = AWSRequest(
        method="POST",
        url=f"http://127.0.0.1:{port}/",
        data=body,
        headers={
            "Content-Type": "application/x-amz-json-1.0",
            "X-Amz-Target": f"DynamoDB_20120810.{op}",
        },
    )
    SigV4Auth(CREDS, "dynamodb", "us-east-1").add_auth(req)
    head = ["POST / HTTP/1.1", f"Host: 127.0.0.1:{port}", f"Content-Length: {len(body)}"]
    head += [
        f"{k}: {v}" for k, v in req.headers.items() if k.lower() not in ("host", "content-length")
    ]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


def setup(port: int) -> None:
    ddb = boto3.client(
        "dynamodb",
        endpoint_url=f"http://127.0.0.1:{port}",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"max_attempts": 3}),
    )
    ddb.create_table(
        TableName=TABLE,
        KeySchema=[
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "N"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    for _ in range(100):
        if ddb.describe_table(TableName=TABLE)["Table"]["TableStatus"] == "ACTIVE":
            break
        time.sleep(0.1)
    for i in range(100):
        item = {"pk": {"S": "part"}, "sk": {"N": str(i)}, "data": {"S": "x" * 100}}
        ddb.put_item(TableName=TABLE, Item=item)


def workloads(port: int) -> dict[str, list[bytes]]:
    item = {"pk": {"S": "put"}, "sk": {"N": "1"}, "data": {"S": "x" * 100}}
    return {
        "PutItem": [signed(port, "PutItem", {"TableName": TABLE, "Item": item})],
        "GetItem": [
            signed(
                port,
                "GetItem",
                {"TableName": TABLE, "Key": {"pk": {"S": "part"}, "sk": {"N": str(i)}}},
            )
            for i in range(100)
        ],
        "Query": [
            signed(
                port,
                "Query",
                {
                    "TableName": TABLE,
                    "KeyConditionExpression": "pk = :p",
                    "ExpressionAttributeValues": {":p": {"S": "part"}},
                    "Limit": 25,
                },
            )
        ],
    }


async def exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, raw: bytes
) -> tuple[bytes, bool]:
    """Send one request; return (status line, whether the server keeps the connection)."""
    writer.write(raw)
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionResetError("server closed the connection")
    length, keep = 0, True
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        name = name.lower()
        if name == "content-length":
            length = int(value)
        elif name == "connection" and value.strip().lower() == "close":
            keep = False
    await reader.readexactly(length)
    return status_line, keep


async def worker(
    port: int, reqs: list[bytes], stop: float, lat: list[float], errors: list[int]
) -> None:
    # A pooled connection per worker; servers that answer "Connection: close" (moto's
    # werkzeug) get a fresh one, which is part of what their clients pay too.
    conn = await asyncio.open_connection("127.0.0.1", port)
    i = 0
    while time.perf_counter() < stop:
        raw = reqs[i % len(reqs)]
        i += 1
        t0 = time.perf_counter()
        try:
            status_line, keep = await exchange(*conn, raw)
        except (ConnectionError, asyncio.IncompleteReadError):
            conn[1].close()
            conn = await asyncio.open_connection("127.0.0.1", port)
            status_line, keep = await exchange(*conn, raw)
        lat.append(time.perf_counter() - t0)
        if b" 200 " not in status_line:
            errors.append(1)
        if not keep:
            conn[1].close()
            conn = await asyncio.open_connection("127.0.0.1", port)
    conn[1].close()


async def drive(port: int, reqs: list[bytes], seconds: float) -> tuple[list[float], int]:
    lat: list[float] = []
    errors: list[int] = []
    await asyncio.gather(
        *(worker(port, reqs, time.perf_counter() + 0.3, [], []) for _ in range(CONCURRENCY))
    )
    stop = time.perf_counter() + seconds
    await asyncio.gather(*(worker(port, reqs, stop, lat, errors) for _ in range(CONCURRENCY)))
    return lat, len(errors)


@dataclass
class Result:
    target: str
    workload: str
    rps: float
    p50_ms: float
    p99_ms: float
    cpu_us: float
    errors: int


def measure(target: str, pid: int, port: int, seconds: float) -> list[Result]:
    out = []
    for name, reqs in workloads(port).items():
        cpu0, t0 = cpu_seconds(pid), time.perf_counter()
        lat, errors = asyncio.run(drive(port, reqs, seconds))
        wall = time.perf_counter() - t0
        cpu = cpu_seconds(pid) - cpu0
        lat.sort()
        n = len(lat)
        out.append(
            Result(
                target,
                name,
                n / seconds,
                lat[n // 2] * 1000,
                lat[min(n - 1, int(n * 0.99))] * 1000,
                # CPU over the whole drive (incl. 0.3 s warm-up), scaled to the measured part.
                cpu / max(1, n) * 1e6 * seconds / max(seconds, wall - 0.3),
                errors,
            )
        )
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=4.0)
    ap.add_argument("--only", default="", help="comma-separated targets")
    args = ap.parse_args()
    only = set(filter(None, args.only.split(",")))
    load_before = os.getloadavg()  # the machine is shared: say how busy it was
    results: list[Result] = []
    notes: list[str] = []
    port = free_port()
    for target, spec in commands(port).items():
        if only and target not in only:
            continue
        if isinstance(spec, str):
            notes.append(f"{target}: {spec}")
            continue
        port = free_port()
        cmd, env = commands(port)[target]  # type: ignore[misc]
        try:
            with running(cmd, env, port) as pid:
                setup(port)
                results += measure(target, pid, port, args.seconds)
        except Exception as e:  # a peer that fails to start is noted, not fatal
            notes.append(f"{target}: skipped: {type(e).__name__}: {e}")
    report(results, notes, (load_before, os.getloadavg()))


def report(
    results: list[Result],
    notes: list[str],
    load: tuple[tuple[float, float, float], tuple[float, float, float]],
) -> None:
    print(
        f"machine: {platform.machine()} {os.cpu_count()} cpu, {platform.platform()}, "
        f"python {platform.python_version()}, concurrency {CONCURRENCY}"
    )
    before, after = (" ".join(f"{x:.2f}" for x in la) for la in load)
    print(f"load average (1/5/15 min): before {before}, after {after}")
    base = {r.workload: r for r in results if r.target == "awsrec"}
    print(
        f"{'workload':9} {'target':10} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'CPU us/req':>11} {'awsrec x':>9} {'errors':>6}"
    )
    for r in sorted(results, key=lambda r: (r.workload, r.target != "awsrec", r.target)):
        ratio = base[r.workload].rps / r.rps if r.workload in base and r.rps else float("nan")
        print(
            f"{r.workload:9} {r.target:10} {r.rps:9.0f} {r.p50_ms:8.2f} {r.p99_ms:8.2f} "
            f"{r.cpu_us:11.0f} {ratio:9.2f} {r.errors:6d}"
        )
    for n in notes:
        print("note:", n)


if __name__ == "__main__":
    main()
