"""Lambda on `awsrec serve`: cold-start time and warm Invoke p50/p99 for an echo handler.

Real boto3 Invoke over loopback against a server in a background thread; the handler runs in
an awslambdaric worker. Cold start = first Invoke after a configuration change (new worker),
measured end to end at the client. Goals: warm p50 <= 15 ms, cold start <= 1.5 s. Also timed:
an Invoke of a function recorded from AWS (no code in the world), answered from its cassette.

    python benchmarks/serve_lambda.py [--warm 500] [--cold 10]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import statistics
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

from awsrec.cassette import Cassette, CassetteHeader, Interaction, Request, Response, dump_cassette
from replayer.server.config import ServeConfig
from replayer.server.run import BackgroundServer

ECHO = "def handler(event, context):\n    return event\n"


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("app.py", ECHO)
    return buf.getvalue()


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def _client(url: str) -> Any:
    return boto3.client(
        "lambda", endpoint_url=url, region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="testing",
        config=Config(retries={"max_attempts": 1}),
    )  # fmt: skip


def _recorded_cassette(path: Path, payload: bytes) -> Path:
    """A function read and invoked (never created), as recorded from AWS."""
    base = "/2015-03-31/functions/recorded"
    cfg = {"FunctionName": "recorded", "Runtime": "python3.12", "Version": "$LATEST"}
    json_type = [("Content-Type", "application/json")]
    get = Interaction(
        1, "lambda", "GetFunction", Request("GET", base),
        Response(200, json_type, json.dumps({"Configuration": cfg}).encode()),
    )  # fmt: skip
    invoke = Interaction(
        2, "lambda", "Invoke", Request("POST", f"{base}/invocations", body=payload),
        Response(200, [*json_type, ("X-Amz-Executed-Version", "$LATEST")], payload),
    )  # fmt: skip
    header = CassetteHeader("0.1.0", "2026-01-01T00:00:00Z", "benchmark")
    dump_cassette(path, Cassette(header, [get, invoke]))
    return path


def _timed(lam: Any, name: str, payload: bytes, n: int) -> list[float]:
    for _ in range(20):  # let connections and caches settle
        lam.invoke(FunctionName=name, Payload=payload)["Payload"].read()
    out: list[float] = []
    for _ in range(n):
        t0 = time.perf_counter()
        lam.invoke(FunctionName=name, Payload=payload)["Payload"].read()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--warm", type=int, default=500, help="warm invocations to time")
    parser.add_argument("--cold", type=int, default=10, help="cold starts to time")
    args = parser.parse_args()
    payload = b'{"hello": "world"}'
    server = BackgroundServer(ServeConfig(port=0)).start()
    try:
        lam = _client(server.url)
        lam.create_function(
            FunctionName="echo", Runtime="python3.11", Handler="app.handler",
            Role="arn:aws:iam::000000000000:role/bench", Code={"ZipFile": _zip()},
        )  # fmt: skip
        cold: list[float] = []
        for i in range(args.cold):
            # A configuration change recycles the worker: the next Invoke starts a new one.
            lam.update_function_configuration(
                FunctionName="echo", Environment={"Variables": {"ROUND": str(i)}}
            )
            t0 = time.perf_counter()
            lam.invoke(FunctionName="echo", Payload=payload)["Payload"].read()
            cold.append((time.perf_counter() - t0) * 1000)
        warm = _timed(lam, "echo", payload, args.warm)
    finally:
        server.stop()
    with tempfile.TemporaryDirectory() as tmp:
        cassette = _recorded_cassette(Path(tmp) / "recorded.awsrec", payload)
        server = BackgroundServer(ServeConfig(port=0, cassettes=[cassette])).start()
        try:
            recorded = _timed(_client(server.url), "recorded", payload, args.warm)
        finally:
            server.stop()
    print(f"machine: {platform.machine()} {os.cpu_count()} cpu, "
          f"Python {platform.python_version()}, load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    print(f"cold start (n={len(cold)}): median {statistics.median(cold):.1f} ms, "
          f"max {max(cold):.1f} ms  (goal <= 1500 ms)")  # fmt: skip
    print(f"warm invoke (n={len(warm)}): p50 {_pct(warm, 50):.2f} ms, p99 {_pct(warm, 99):.2f} ms "
          "(goal p50 <= 15 ms)")  # fmt: skip
    print(f"recorded invoke (n={len(recorded)}): p50 {_pct(recorded, 50):.2f} ms, "
          f"p99 {_pct(recorded, 99):.2f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
