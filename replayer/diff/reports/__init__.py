"""Report writers: JSON (the source of truth), Markdown, HTML, JUnit XML and the terminal."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path

from awsrec.atomic import atomic_write_bytes
from awsrec.errors import AwsrecError, UsageError
from replayer.diff.reports.document import Document

FORMATS = ("json", "md", "html", "junit")
_FILES = {"json": "fidelity.json", "md": "fidelity.md", "html": "fidelity.html",
          "junit": "junit.xml"}  # fmt: skip


def parse_formats(text: str) -> tuple[str, ...]:
    """Parse "md,html" into ("md", "html"); an unknown name is a usage error."""
    names = tuple(dict.fromkeys(n.strip().lower() for n in text.split(",") if n.strip()))
    aliases = {"markdown": "md", "xml": "junit"}
    names = tuple(aliases.get(n, n) for n in names)
    bad = [n for n in names if n not in FORMATS]
    if bad:
        raise UsageError(f"unknown report format {bad[0]!r}; choose from {', '.join(FORMATS)}")
    return names


def _renderer(fmt: str) -> Callable[[Document], str]:
    if fmt == "json":
        from replayer.diff.reports.document import dumps

        return dumps
    if fmt == "md":
        from replayer.diff.reports.markdown import render_markdown

        return render_markdown
    if fmt == "html":
        from replayer.diff.reports.html import render_html

        return render_html
    from replayer.diff.reports.junit import render_junit

    return render_junit


@contextlib.contextmanager
def writing_to(directory: Path, what: str) -> Iterator[None]:
    """An OSError while writing `what` into `directory` becomes an AwsrecError naming it."""
    try:
        yield
    except OSError as e:
        if directory.exists() and not directory.is_dir():
            reason = "it is not a directory"
        else:
            reason = f"{e.strerror or e}" + (f" ({e.filename})" if e.filename else "")
        raise AwsrecError(f"{directory}: cannot write {what} there: {reason}") from e


def write_reports(doc: Document, directory: Path, formats: tuple[str, ...]) -> list[Path]:
    """Write each format's file into `directory`; returns the paths written."""
    written = []
    with writing_to(directory, "reports"):
        directory.mkdir(parents=True, exist_ok=True)
        for fmt in formats:
            path = directory / _FILES[fmt]
            atomic_write_bytes(path, _renderer(fmt)(doc).encode("utf-8"))
            written.append(path)
    return written
