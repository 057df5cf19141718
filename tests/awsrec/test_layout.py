"""Dependencies point one way: recorder, replayer and scenarios import awsrec, never back."""

from __future__ import annotations

import subprocess
import sys

CORE_MODULES = (
    "awsrec.cli",
    "awsrec.pytest_plugin",
    "awsrec.cassette",
    "awsrec.cassette_io",
    "awsrec.normalize",
    "awsrec.matching",
    "awsrec.aws.operations",
    "awsrec.aws.sigv4",
    "awsrec.aws.errors",
)


def test_importing_the_core_loads_no_side_package() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {CORE_MODULES!r}:\n"
        "    importlib.import_module(name)\n"
        "sides = ('recorder', 'replayer', 'scenarios', 'mitmproxy')\n"
        "print(sorted({m.split('.')[0] for m in sys.modules if m.split('.')[0] in sides}))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_the_recorder_never_imports_the_replayer() -> None:
    code = (
        "import sys, recorder.session, recorder.pytest_host, recorder.route, recorder.writer\n"
        "print(sorted({m for m in sys.modules if m.split('.')[0] == 'replayer'}))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
