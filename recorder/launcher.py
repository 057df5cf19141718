"""Run `mitmdump -s recorder/addon.py` as a child: start it, wait until it listens, stop it."""

from __future__ import annotations

import collections
import os
import signal
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from recorder import events
from recorder.errors import RecorderError
from recorder.settings import RecorderSettings

ADDON = Path(__file__).with_name("addon.py")
# The interpreter running awsrec is the one that has mitmproxy; no PATH lookup needed. -O: under
# __debug__ mitmproxy type-checks every field of every request and response it builds (~10% of
# the proxy's CPU); the recorder's own checks raise errors, they are not asserts.
MITMDUMP = [sys.executable, "-O", "-m", "recorder.child"]
CA_FILE = "mitmproxy-ca-cert.pem"
PLACEHOLDER_UPSTREAM = "http://127.0.0.1:9"  # endpoint mode: the Route addon picks the target

Listener = Callable[[events.Event], None]


def mitmdump_args(settings: RecorderSettings) -> list[str]:
    """The mitmdump command line for `settings` (quiet: our events are the only output)."""
    mode = "regular" if settings.mode == "proxy" else f"reverse:{PLACEHOLDER_UPSTREAM}"
    sets = {
        "confdir": settings.confdir,
        # Reverse mode would otherwise dial the placeholder before Route has chosen a target.
        "connection_strategy": "lazy",
        # Route needs the SDK's Host (S3 virtual-hosted buckets); it sets the upstream's itself.
        "keep_host_header": "true",
        "termlog_verbosity": "error",
        "flow_detail": "0",
    }
    args = [*MITMDUMP, "--listen-host", settings.listen_host]
    args += ["--listen-port", str(settings.port), "--mode", mode, "-s", str(ADDON)]
    for key, value in sets.items():
        args += ["--set", f"{key}={value}"]
    return args


class Recorder:
    """One mitmdump child recording into `settings.out`; use as a context manager."""

    def __init__(
        self, settings: RecorderSettings, workdir: Path, on_event: Listener | None = None
    ) -> None:
        if not settings.confdir:
            raise RecorderError("recorder settings need a confdir")
        self.settings = settings
        self.workdir = workdir
        self.on_event = on_event
        self.port = 0
        self.counts: Counter[str] = Counter()
        self.errors: list[str] = []
        self.cassettes: set[str] = set()
        self._tail: collections.deque[str] = collections.deque(maxlen=40)
        self._listening = threading.Event()
        self._proc: subprocess.Popen[str] | None = None
        self._reader: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.settings.listen_host}:{self.port}"

    @property
    def pid(self) -> int:
        return self._proc.pid if self._proc else 0

    def recorded(self) -> int:
        """Interactions appended to the cassettes so far, as the writer reports them."""
        return sum(self.counts.values())

    @property
    def ca_file(self) -> Path:
        return Path(self.settings.confdir) / CA_FILE

    def start(self, timeout: float = 60.0) -> Recorder:
        """Spawn mitmdump and return once it accepts connections."""
        # The settings travel in the child's environment, never in a file (recorder.settings).
        env = self.settings.child_env(os.environ)
        env["PYTHONUNBUFFERED"] = "1"
        root = str(ADDON.parent.parent)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
        # A new session: the terminal's Ctrl-C reaches us, and we stop the child in order.
        self._proc = subprocess.Popen(
            mitmdump_args(self.settings),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
            start_new_session=True,
        )
        self._reader = threading.Thread(target=self._read, name="awsrec-recorder-out", daemon=True)
        self._reader.start()
        self._wait_listening(timeout)
        return self

    def _wait_listening(self, timeout: float) -> None:
        assert self._proc is not None
        if not self._listening.wait(timeout) or self.port == 0:
            self.stop()
            detail = " | ".join(self._tail) or "no output"
            raise RecorderError(f"mitmdump did not start listening: {detail}")

    def _read(self) -> None:
        assert self._proc is not None
        assert self._proc.stdout is not None
        for line in self._proc.stdout:
            event = events.parse(line.rstrip("\n"))
            if event is None:
                self._tail.append(line.rstrip())
                continue
            self._handle(event)
        self._listening.set()  # the child is gone: whoever waits must not wait forever

    def _handle(self, event: events.Event) -> None:
        if event.kind == "listening":
            self.port = event.port
            self._listening.set()
        elif event.kind == "recorded":
            self.counts[event.service] += 1
            self.cassettes.add(event.cassette)
        elif event.kind == "error":
            self.errors.append(event.message)
        if self.on_event is not None:
            self.on_event(event)

    def stop(self, timeout: float = 30.0) -> int:
        """Ask mitmdump to shut down (SIGINT: its addons close their cassettes); wait."""
        proc = self._proc
        if proc is None:
            return 0
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if self._reader is not None:
            self._reader.join(timeout)
        return proc.returncode

    def wait(self) -> int:
        """Block until the child exits by itself (Ctrl-C raises KeyboardInterrupt here)."""
        assert self._proc is not None
        return self._proc.wait()

    def kill(self) -> None:
        """SIGKILL the child (what a crash looks like); nothing answered may be lost.

        Returns once the child's output has ended, which includes its cassette writer's: the
        writer survives the proxy, appends what was handed over, and exits (recorder.handoff).
        """
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()
        if self._reader is not None:
            self._reader.join(10)

    def output_tail(self) -> str:
        return "\n".join(self._tail)

    def __enter__(self) -> Recorder:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
