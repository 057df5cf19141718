"""Printing the scenario list: a rich table on a terminal, tab-separated lines otherwise."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TextIO

from scenarios.registry import Scenario


def print_scenarios(found: Sequence[Scenario], out: TextIO | None = None) -> None:
    """ID, service, tags and summary of each scenario; plain text when `out` is no TTY."""
    stream = out or sys.stdout
    rows = [(s.id, s.service, ",".join(sorted(s.tags)), s.summary) for s in found]
    if not stream.isatty():
        for row in rows:
            stream.write("\t".join(row) + "\n")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len(rows)} built-in scenarios")
    for column in ("id", "service", "tags", "summary"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*row)
    Console(file=stream).print(table)
