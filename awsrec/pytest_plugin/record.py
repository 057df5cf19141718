"""new_episodes: whether a fresh recording makes requests its committed cassette would not replay.

The recorder itself runs in recorder.pytest_host (imported inside the fixture that starts it).
"""

from __future__ import annotations

from pathlib import Path

from awsrec.cassette import Interaction, load_cassette
from awsrec.matching import Probe, failed_matchers, probe_recorded


def _probes(items: list[Interaction]) -> list[Probe]:
    return [probe_recorded(i) for i in items]


def _has_new(old_file: Path, new_file: Path) -> bool:
    """Whether the new run made a request the old cassette would not replay in that place.

    Strict replay plays a cassette in order, so a request recorded later, or a reordering,
    counts as new; recorded requests the run no longer makes at the end are kept, as VCR keeps
    old episodes.
    """
    new = _probes(load_cassette(new_file).interactions) if new_file.exists() else []
    old = _probes(load_cassette(old_file).interactions)
    if len(new) > len(old):
        return True
    return any(failed_matchers(live, recorded) for live, recorded in zip(new, old, strict=False))
