"""The loaded cassettes, indexed by (service, operation, outcome) to give responses their form."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from awsrec.cassette import Interaction

_XML_CODE = re.compile(rb"<Code>([^<]+)</Code>")


@dataclass(slots=True, frozen=True)
class Recorded:
    """One interaction and where it came from."""

    cassette: str  # file name, for diagnostics
    index: int  # position in its cassette
    interaction: Interaction
    outcome: str  # "ok", the AWS error code, or "status:NNN" for a body-less error


def error_code(status: int, headers: Iterable[tuple[str, str]], body: bytes) -> str | None:
    """The AWS error code a recorded response carries, if it says."""
    for key, value in headers:
        if key.lower() == "x-amzn-errortype":
            return value.split(":", 1)[0]
    if not body:
        return None
    if body.lstrip()[:1] == b"{":
        try:
            doc = json.loads(body)
        except ValueError:
            return None
        raw = (
            doc.get("__type") or doc.get("code") or doc.get("Code")
            if isinstance(doc, dict)
            else None
        )
        return str(raw).rsplit("#", 1)[-1] if raw else None
    m = _XML_CODE.search(body)
    return m.group(1).decode() if m else None


def outcome_of(interaction: Interaction) -> str:
    resp = interaction.response
    if resp.status < 300:
        return "ok"
    code = error_code(resp.status, resp.headers, resp.body)
    return code if code else f"status:{resp.status}"


def load(paths: list[Path]) -> list[tuple[str, list[Interaction]]]:
    """(name, interactions) of every cassette under `paths` (files or directories)."""
    if not paths:
        return []
    from awsrec.cassette_io import cassette_files, load_cassette

    out: list[tuple[str, list[Interaction]]] = []
    for path in cassette_files(paths):
        cassette = load_cassette(path)
        out.append((Path(path).name, list(cassette.interactions)))
    return out


class Recordings:
    """Every loaded interaction, with lookups by form key and by service."""

    def __init__(self, cassettes: list[tuple[str, list[Interaction]]]) -> None:
        self.cassettes = [
            [Recorded(name, i, it, outcome_of(it)) for i, it in enumerate(items)]
            for name, items in cassettes
        ]
        self._form: dict[tuple[str, str, str], list[Recorded]] = {}
        for items in self.cassettes:
            for rec in items:
                it = rec.interaction
                self._form.setdefault((it.service, it.operation, rec.outcome), []).append(rec)

    def all(self) -> list[Recorded]:
        return [rec for items in self.cassettes for rec in items]

    def of_service(self, service: str) -> list[Interaction]:
        return [rec.interaction for rec in self.all() if rec.interaction.service == service]

    def services(self) -> set[str]:
        return {rec.interaction.service for rec in self.all()}

    def forms(self, service: str, operation: str, outcome: str, status: int) -> list[Recorded]:
        """Recordings of the same operation and outcome; by status for body-less errors.

        A recorded error without a body (a HEAD's 404) names no code, so it gives its form to
        any error of that status; an error recorded with its code gives its form only to the
        same code (NoSuchKey's form is not NoSuchBucket's).
        """
        found = self._form.get((service, operation, outcome))
        if found:
            return found
        if outcome != "ok":
            return self._form.get((service, operation, f"status:{status}"), [])
        return []
