"""The live status line: interactions recorded per service, on stderr when it is a terminal."""

from __future__ import annotations

import sys
import threading
from collections import Counter
from types import TracebackType

from rich.console import Console
from rich.live import Live
from rich.text import Text

from recorder.events import Event


class LiveStatus:
    """A one-line rich display updated from the launcher's reader thread; a no-op off a TTY."""

    def __init__(self, target: str, enabled: bool | None = None) -> None:
        self.target = target
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.counts: Counter[str] = Counter()
        self.errors = 0
        self._lock = threading.Lock()
        self._live: Live | None = None

    def render(self) -> Text:
        with self._lock:
            parts = [f"{service} {n}" for service, n in sorted(self.counts.items())]
            errors = self.errors
        line = Text("recording ", style="bold")
        line.append(" · ".join(parts) or "waiting for traffic", style="cyan")
        if errors:
            line.append(f"  {errors} refused", style="bold red")
        line.append(f"  → {self.target}", style="dim")
        return line

    def __call__(self, event: Event) -> None:
        with self._lock:
            if event.kind == "recorded":
                self.counts[event.service] += 1
            elif event.kind == "error":
                self.errors += 1
        if self._live is not None:
            self._live.update(self.render())

    def __enter__(self) -> LiveStatus:
        if self.enabled:
            console = Console(stderr=True)
            self._live = Live(self.render(), console=console, refresh_per_second=4, transient=False)
            self._live.__enter__()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._live is not None:
            self._live.update(self.render())
            self._live.__exit__(kind, value, tb)
            self._live = None
