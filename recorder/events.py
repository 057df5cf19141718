"""The line protocol the mitmdump child uses to tell the launcher what happened."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from typing import Literal

# mitmdump's own output (run with -q) and ours share stdout; ours carries this prefix.
PREFIX = "@@awsrec "

Kind = Literal["listening", "recorded", "skipped", "error"]


@dataclass(frozen=True, slots=True)
class Event:
    """One thing the child reports: it listens, recorded or skipped an exchange, or failed."""

    kind: Kind
    port: int = 0
    service: str = ""
    operation: str = ""
    cassette: str = ""
    message: str = ""

    def line(self) -> str:
        data = {"kind": self.kind, "port": self.port, "service": self.service}
        data |= {"operation": self.operation, "cassette": self.cassette, "message": self.message}
        return PREFIX + json.dumps(data, separators=(",", ":"))


def emit(event: Event) -> None:
    """Write `event` for the launcher (flushed: the launcher waits on `listening`)."""
    sys.stdout.write(event.line() + "\n")
    sys.stdout.flush()


def parse(line: str) -> Event | None:
    """The event in one line of the child's stdout, or None for mitmproxy's own output."""
    if not line.startswith(PREFIX):
        return None
    try:
        data = json.loads(line[len(PREFIX) :])
        return Event(**data)
    except (ValueError, TypeError):
        return None
