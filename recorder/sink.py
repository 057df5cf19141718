"""Where interactions go: one normalised, secret-checked, append-only cassette per name."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import awsrec
from awsrec.cassette import CassetteHeader, CassetteWriter, Interaction
from awsrec.normalize import Normaliser, RuleSet, SecretScanner, load_rules_file
from awsrec.normalize.rules import SERVICES as RULE_SERVICES
from recorder.canaries import Canaries
from recorder.settings import RecorderSettings

DEFAULT_NAME = "default"
SUFFIX = ".awsrec"


@dataclass(slots=True)
class _Open:
    writer: CassetteWriter
    normaliser: Normaliser
    path: Path
    seq: int = 0


def cassette_file(out_dir: Path, name: str) -> Path:
    """DIR/NAME.awsrec for a `x-awsrec-cassette` name, made safe as a relative file name.

    A test id like `tests/test_s3.py::test_put[a]` becomes `tests/test_s3.py--test_put_a_`:
    slashes keep their meaning (sub-directories), anything else unusual becomes `_`.
    """
    safe = name.replace("::", "--")
    safe = re.sub(r"[^A-Za-z0-9._/-]", "_", safe)
    parts = [p for p in safe.split("/") if p not in ("", ".", "..")]
    if not parts:
        parts = [DEFAULT_NAME]
    stem = "/".join(parts)
    return out_dir / (stem if stem.endswith(SUFFIX) else stem + SUFFIX)


class CassetteSink:
    """Opens cassettes lazily, normalises each interaction and appends it crash-safely.

    Every cassette has its own normaliser, so placeholders (`<request-id:1>`) are numbered
    per cassette, and all share the canaries: a key seen anywhere is a canary everywhere.
    """

    def __init__(self, settings: RecorderSettings) -> None:
        self.settings = settings
        self.canaries = Canaries()
        self._exchange: SecretScanner | None = None
        self.extra: RuleSet | None = (
            load_rules_file(Path(settings.rules)) if settings.rules else None
        )
        self._open: dict[Path, _Open] = {}

    def path_for(self, name: str | None) -> Path:
        out = Path(self.settings.out)
        if self.settings.split_by == "header":
            return cassette_file(out, name or DEFAULT_NAME)
        return out

    def append(
        self, name: str | None, interaction: Interaction, secrets: SecretScanner | None = None
    ) -> Path:
        """Normalise `interaction` and append it to cassette `name`; returns the file.

        Raises SecretLeakError (from the scanner, before anything is written) when the packed
        record would contain a lasting secret or one of `secrets` (this exchange's).
        """
        target = self._get(self.path_for(name))
        target.seq += 1
        interaction.seq = target.seq
        # Credentials the response hands out (STS AssumeRole...) are redacted from it, and are
        # canaries from now on: in this record already, should a rule have missed a copy.
        for value, member in target.normaliser.issued_secrets(interaction):
            self.canaries.register(value, member)
        # Hooks run one at a time on mitmproxy's event loop, so this hand-over is race-free.
        self._exchange = secrets
        try:
            target.writer.append(target.normaliser.normalise(interaction))
        finally:
            self._exchange = None
        return target.path

    def _check(self, data: bytes) -> None:
        self.canaries.check(data, self._exchange)

    def _get(self, path: Path) -> _Open:
        found = self._open.get(path)
        if found is None:
            path.parent.mkdir(parents=True, exist_ok=True)
            normaliser = Normaliser(extra=self.extra)
            # The header is written first and never rewritten (append-only), so it names every
            # built-in rule set that may apply, compiled up front, not just those used so far.
            for service in RULE_SERVICES:
                normaliser.rules_for(service)
            header = CassetteHeader(
                awsrec_version=awsrec.__version__,
                recorded_at=datetime.now(UTC).isoformat(timespec="seconds"),
                upstream=self.settings.upstream_identity,
                region=self.settings.region,
                rule_sets=normaliser.rule_set_versions(),
            )
            writer = CassetteWriter(path, header, check=self._check)
            found = self._open[path] = _Open(writer, normaliser, path)
        return found

    def close(self) -> None:
        for item in self._open.values():
            item.writer.close()
        self._open.clear()
