"""Lambda on `awsrec serve`: cold-start time and warm Invoke p50/p99 for an echo handler.

Real boto3 Invoke over loopback against a server in a background thread; the handler runs in
an awslambdaric worker. Cold start = first Invoke after a configuration change (new worker),
measured end to end at the client. Goals: warm p50 <= 15 ms, cold start <= 1.5 s.

    python benchmarks/serve_lambda.py [--warm 500] [--cold 10]
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import statistics
import time
import zipfile

import boto3
from botocore.config import Config

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--warm", type=int, default=500, help="warm invocations to time")
    parser.add_argument("--cold", type=int, default=10, help="cold starts to time")
    args = parser.parse_args()
    server = BackgroundServer(ServeConfig(port=0)).start()
    try:
        lam = boto3.client(
            "lambda", endpoint_url=server.url, region_name="us-east-1",
            aws_access_key_id="testing", aws_secret_access_key="testing",
            config=Config(retries={"max_attempts": 1}),
        )  # fmt: skip
        lam.create_function(
            FunctionName="echo", Runtime="python3.11", Handler="app.handler",
            Role="arn:aws:iam::000000000000:role/bench", Code={"ZipFile": _zip()},
        )  # fmt: skip
        payload = b'{"hello": "world"}'
        cold: list[float] = []
        for i in range(args.cold):
            # A configuration change recycles the worker: the next Invoke starts a new one.
            lam.update_function_configuration(
                FunctionName="echo", Environment={"Variables": {"ROUND": str(i)}}
            )
            t0 = time.perf_counter()
            lam.invoke(FunctionName="echo", Payload=payload)["Payload"].read()
            cold.append((time.perf_counter() - t0) * 1000)
        for _ in range(20):  # let connections and caches settle
            lam.invoke(FunctionName="echo", Payload=payload)["Payload"].read()
        warm: list[float] = []
        for _ in range(args.warm):
            t0 = time.perf_counter()
            lam.invoke(FunctionName="echo", Payload=payload)["Payload"].read()
            warm.append((time.perf_counter() - t0) * 1000)
    finally:
        server.stop()
    print(f"machine: {platform.machine()} {os.cpu_count()} cpu, Python {platform.python_version()}")
    print(f"cold start (n={len(cold)}): median {statistics.median(cold):.1f} ms, "
          f"max {max(cold):.1f} ms  (goal <= 1500 ms)")  # fmt: skip
    print(f"warm invoke (n={len(warm)}): p50 {_pct(warm, 50):.2f} ms, p99 {_pct(warm, 99):.2f} ms "
          "(goal p50 <= 15 ms)")  # fmt: skip


if __name__ == "__main__":
    main()
