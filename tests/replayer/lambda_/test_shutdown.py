"""A stopping server kills its Lambda workers and leaves no asyncio task pending behind it."""

from __future__ import annotations

import gc
import logging
import time
from pathlib import Path
from typing import Any

import pytest

from tests.replayer.conftest import ServeFactory, lambda_client
from tests.replayer.lambda_.conftest import ROLE, invoke, zipped

SLEEPER = """
import os, time

def handler(event, context):
    with open(event["pid_file"], "w") as f:
        f.write(str(os.getpid()))
    time.sleep(120)
"""
ECHO_PID = "import os\ndef handler(event, context):\n    return {'pid': os.getpid()}\n"


def _create(lam: Any, name: str, source: str) -> None:
    lam.create_function(
        FunctionName=name,
        Runtime="python3.11",
        Role=ROLE,
        Handler="app.handler",
        Code={"ZipFile": zipped({"app.py": source})},
        Timeout=300,
    )


def _running(pid: int) -> bool:
    """True while `pid` exists and is not a zombie (a killed child nobody reaped yet)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def _wait_for(predicate: Any, what: str, deadline_s: float = 20.0) -> None:
    # A deadline for something that must happen, not a speed requirement.
    end = time.monotonic() + deadline_s
    while not predicate():
        assert time.monotonic() < end, f"never happened: {what}"
        time.sleep(0.02)


def test_stopping_the_server_kills_idle_and_busy_workers(
    serve_factory: ServeFactory, tmp_path: Path
) -> None:
    server = serve_factory()
    lam = lambda_client(server.url)
    _create(lam, "idle", ECHO_PID)
    _create(lam, "busy", SLEEPER)
    idle_pid = invoke(lam, "idle")[1]["pid"]
    pid_file = tmp_path / "busy.pid"
    resp = lam.invoke(
        FunctionName="busy", InvocationType="Event", Payload=f'{{"pid_file": "{pid_file}"}}'
    )
    assert resp["StatusCode"] == 202
    _wait_for(lambda: pid_file.exists() and pid_file.read_text(), "the Event invocation ran")
    busy_pid = int(pid_file.read_text())
    assert _running(idle_pid)
    assert _running(busy_pid)

    server.stop()

    _wait_for(lambda: not _running(idle_pid), f"idle worker {idle_pid} stopped")
    _wait_for(lambda: not _running(busy_pid), f"busy worker {busy_pid} stopped")


def test_a_recycled_worker_leaves_no_pending_task(
    serve_factory: ServeFactory, caplog: pytest.LogCaptureFixture
) -> None:
    # A worker waits for its next invocation in GET /runtime/invocation/next; when it is
    # recycled, that request's task must end, not be garbage-collected while pending.
    server = serve_factory()
    lam = lambda_client(server.url)
    _create(lam, "fn", ECHO_PID)
    first = invoke(lam, "fn")[1]["pid"]
    lam.update_function_configuration(FunctionName="fn", Timeout=5)
    assert invoke(lam, "fn")[1]["pid"] != first  # the old worker was closed
    with caplog.at_level(logging.ERROR, logger="asyncio"):
        gc.collect()
        server.stop()
        gc.collect()
    destroyed = [r.getMessage() for r in caplog.records if "destroyed" in r.getMessage()]
    assert destroyed == []
