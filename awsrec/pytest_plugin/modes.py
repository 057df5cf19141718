"""Record modes (VCR.py's four, plus `off`) and what each means for one test's cassette."""

from __future__ import annotations

from enum import StrEnum

from awsrec.errors import UsageError


class RecordMode(StrEnum):
    """When a test records and when it replays; the values are VCR.py's record modes.

    VCR.py: https://vcrpy.readthedocs.io/en/latest/usage.html#record-modes
    """

    # Replay; a test whose cassette is missing fails (VCR raises on any new request).
    NONE = "none"
    # Replay the cassettes that exist; record those that do not.
    ONCE = "once"
    # Run live; re-record a cassette only when the run no longer matches it (see README).
    NEW_EPISODES = "new_episodes"
    # Re-record every cassette.
    ALL = "all"
    # awsrec stays out of the way: no server, no recorder, the environment untouched.
    OFF = "off"


# awsrec's own names for the modes a team uses daily.
ALIASES: dict[str, RecordMode] = {
    "replay": RecordMode.NONE,
    "record": RecordMode.ALL,
    "new": RecordMode.ONCE,
}
CHOICES: tuple[str, ...] = (*ALIASES, *(m.value for m in RecordMode))


class Action(StrEnum):
    """What happens to one test's cassette in this run."""

    REPLAY = "replay"  # serve the cassette offline
    RECORD = "record"  # record live traffic into the cassette, replacing it
    EPISODES = "episodes"  # record live; replace the cassette only if the run differs
    MISSING = "missing"  # replay wanted, but there is no cassette: the test fails
    OFF = "off"


def parse_mode(text: str) -> RecordMode:
    """The mode named `text` (an awsrec alias or a VCR name); UsageError lists the valid ones."""
    value = text.strip().lower()
    if value in ALIASES:
        return ALIASES[value]
    try:
        return RecordMode(value)
    except ValueError:
        raise UsageError(
            f"--awsrec-mode {text!r} is not a record mode; use one of {', '.join(CHOICES)}"
        ) from None


def plan(mode: RecordMode, cassette_exists: bool) -> Action:
    """The action for a test in `mode`, given whether its cassette file exists."""
    if mode is RecordMode.OFF:
        return Action.OFF
    if mode is RecordMode.ALL:
        return Action.RECORD
    if cassette_exists:
        return Action.EPISODES if mode is RecordMode.NEW_EPISODES else Action.REPLAY
    return Action.MISSING if mode is RecordMode.NONE else Action.RECORD
