"""Reliability fixtures: servers in threads and child processes; the suite's secrets sweep."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.replayer.conftest import serve_factory  # noqa: F401  (re-exported fixture)
from tests.support.servers import free_port

ROOT = Path(__file__).resolve().parents[2]


class ServeProcess:
    """`python -m awsrec serve ARGS` as a real child process on a free loopback port."""

    def __init__(self, args: list[str], cwd: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        # stderr to a file: a pipe nobody reads would stall a chatty server.
        self.log = cwd / f"serve-{self.port}.log"
        self._log_file = self.log.open("w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "awsrec", "serve", "--port", str(self.port), *args],
            stdout=subprocess.PIPE,
            stderr=self._log_file,
            text=True,
            cwd=cwd,
            env=env,
        )
        self.banner: list[str] = []
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.banner.append(line.rstrip("\n"))
            if line.startswith("export "):
                return
        code = self.proc.wait()
        self._close()
        raise RuntimeError(f"awsrec serve exited ({code}): {self.log.read_text().strip()}")

    @property
    def pid(self) -> int:
        return self.proc.pid

    def rss_kb(self) -> int:
        """VmRSS of the server process, from /proc."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise AssertionError("no VmRSS in /proc status")

    def kill9(self) -> None:
        os.kill(self.pid, signal.SIGKILL)
        self.proc.wait(10)
        self._close()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self._close()

    def _close(self) -> None:
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        self._log_file.close()


@pytest.fixture
def serve_process(tmp_path: Path) -> Iterator[type[ServeProcess]]:
    """Start `awsrec serve` children: `serve_process(args)`; all stopped at teardown."""
    started: list[ServeProcess] = []

    class Started(ServeProcess):
        def __init__(self, args: list[str], cwd: Path = tmp_path) -> None:
            super().__init__(args, cwd)
            started.append(self)

    yield Started
    for server in started:
        server.stop()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Sweep every cassette this run wrote (its temp dirs) and the repo's cassettes/."""
    if hasattr(session.config, "workerinput"):
        return  # xdist workers: the controller sweeps once, over every worker's temp dir
    from tests.reliability.secrets import cassettes, sweep

    factory = getattr(session.config, "_tmp_path_factory", None)
    roots = [ROOT / "cassettes"]
    if factory is not None:
        roots.append(factory.getbasetemp())
    findings = sweep(roots)
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        swept = len(list(cassettes(roots)))
        reporter.write_line(
            f"secrets sweep: {swept} cassette(s) under {', '.join(map(str, roots))}: "
            f"{len(findings)} finding(s)"
        )
        for finding in findings[:50]:
            reporter.write_line(f"  LEAK {finding}", red=True)
    if findings:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
