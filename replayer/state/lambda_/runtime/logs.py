"""An invocation's log as CloudWatch would hold it, and LogType=Tail's last 4 KB of it.

Line formats: https://docs.aws.amazon.com/lambda/latest/dg/python-logging.html
"""

from __future__ import annotations

import base64
import math
from datetime import UTC, datetime

TAIL_BYTES = 4096


def start_line(request_id: str, version: str) -> bytes:
    return f"START RequestId: {request_id} Version: {version}\n".encode()


def end_line(request_id: str) -> bytes:
    return f"END RequestId: {request_id}\n".encode()


def report_line(
    request_id: str,
    duration_ms: float,
    memory_mb: int,
    used_mb: int,
    init_ms: float | None = None,
    status: str | None = None,
) -> bytes:
    fields = [
        f"REPORT RequestId: {request_id}",
        f"Duration: {duration_ms:.2f} ms",
        f"Billed Duration: {max(1, math.ceil(duration_ms + (init_ms or 0)))} ms",
        f"Memory Size: {memory_mb} MB",
        f"Max Memory Used: {used_mb} MB",
    ]
    if init_ms is not None:
        fields.append(f"Init Duration: {init_ms:.2f} ms")
    if status is not None:
        fields.append(f"Status: {status}")
    return ("\t".join(fields) + "\t\n").encode()


def timeout_line(request_id: str, seconds: float) -> bytes:
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    return f"{stamp} {request_id} Task timed out after {seconds:.2f} seconds\n".encode()


def tail(log: bytes) -> str:
    """X-Amz-Log-Result: base64 of the last 4 KB of the log."""
    return base64.b64encode(log[-TAIL_BYTES:]).decode()
