from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.replayer.conftest import admin
from tests.support.servers import free_port


@pytest.fixture
def running() -> Iterator[tuple[int, list[str]]]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "awsrec", "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    lines = []
    try:
        for line in proc.stdout:
            lines.append(line.rstrip("\n"))
            if line.startswith("export "):
                break
        yield port, lines
    finally:
        proc.terminate()
        proc.wait(10)


def test_serve_prints_endpoint_and_export_line(running: tuple[int, list[str]]) -> None:
    port, lines = running
    assert f"listening on http://127.0.0.1:{port}" in lines
    assert lines[-1] == f"export AWS_ENDPOINT_URL=http://127.0.0.1:{port}"
    status, health = admin(f"http://127.0.0.1:{port}", "health")
    assert (status, health["status"]) == (200, "ok")


def test_port_in_use_is_one_line_and_exit_3(running: tuple[int, list[str]]) -> None:
    port, _ = running
    done = subprocess.run(
        [sys.executable, "-m", "awsrec", "serve", "--port", str(port)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 3
    assert done.stderr == f"awsrec: error: port {port} on 127.0.0.1 is already in use\n"


def test_missing_faults_file_is_one_line_and_exit_3(tmp_path: Path) -> None:
    missing = tmp_path / "rules.yaml"
    done = subprocess.run(
        [sys.executable, "-m", "awsrec", "serve", "--port", "0", "--faults", str(missing)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 3
    assert (
        done.stderr.strip()
        == f"awsrec: error: {missing}: cannot read fault rules: No such file or directory"
    )
    assert "Traceback" not in done.stderr


def test_serving_never_imports_mitmproxy() -> None:
    code = (
        "import sys\n"
        "from replayer.server.app import create_app\n"
        "from replayer.server.config import ServeConfig\n"
        "create_app(ServeConfig())\n"
        "assert 'mitmproxy' not in sys.modules, 'mitmproxy imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_state_dir_that_cannot_be_a_directory_is_one_line_and_exit_3(tmp_path: Path) -> None:
    # Caught at start-up: the server used to start and answer every write with a 500.
    regular = tmp_path / "state"
    regular.write_text("not a directory")
    for state_dir, reason in ((regular, "it is not a directory"), (regular / "sub", "Not a")):
        done = subprocess.run(
            [sys.executable, "-m", "awsrec", "serve", "--port", "0", "--state-dir", str(state_dir)],
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert done.returncode == 3
        assert done.stdout == ""  # stopped before saying where it listens
        assert done.stderr.count("\n") == 1
        assert done.stderr.startswith(f"awsrec: error: --state-dir {state_dir}: cannot keep state")
        assert reason in done.stderr


def test_state_dir_is_created_when_missing(tmp_path: Path) -> None:
    state_dir = tmp_path / "new" / "state"
    args = ["serve", "--port", str(free_port()), "--state-dir", str(state_dir)]
    proc = subprocess.Popen(
        [sys.executable, "-m", "awsrec", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        assert any(line.startswith("export ") for line in proc.stdout)
        assert state_dir.is_dir()
    finally:
        proc.terminate()
        proc.wait(10)
