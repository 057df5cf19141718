"""Replacing spans of a text: the last step of the JSON and XML path rewriters."""

from __future__ import annotations

from collections.abc import Iterable


def splice(text: str, edits: Iterable[tuple[int, int, str]]) -> str:
    """`text` with each (start, end, new) span replaced; spans come in order, not overlapping.

    With no edit the same string object comes back, so callers can tell nothing changed.
    """
    out: list[str] = []
    last = 0
    for start, end, new in edits:
        out.append(text[last:start])
        out.append(new)
        last = end
    if not out:
        return text
    out.append(text[last:])
    return "".join(out)
