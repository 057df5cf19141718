"""The pytest plugin's pure parts: record modes as VCR.py defines them, and cassette paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from awsrec.cassette import (
    Cassette,
    CassetteHeader,
    Interaction,
    Request,
    Response,
    dump_cassette,
)
from awsrec.errors import UsageError
from awsrec.pytest_plugin.modes import Action, RecordMode, parse_mode, plan
from awsrec.pytest_plugin.naming import cassette_dir, cassette_path, stem_for


@pytest.mark.parametrize(
    ("given", "mode"),
    [
        ("replay", RecordMode.NONE),
        ("record", RecordMode.ALL),
        ("new", RecordMode.ONCE),
        ("none", RecordMode.NONE),
        ("once", RecordMode.ONCE),
        ("new_episodes", RecordMode.NEW_EPISODES),
        ("all", RecordMode.ALL),
        ("OFF", RecordMode.OFF),
    ],
)
def test_awsrec_names_are_aliases_of_vcr_modes(given: str, mode: RecordMode) -> None:
    assert parse_mode(given) is mode


def test_an_unknown_mode_names_every_valid_one() -> None:
    with pytest.raises(UsageError, match="use one of replay, record, new, none, once, new_ep"):
        parse_mode("sometimes")


# VCR.py, "Record Modes": https://vcrpy.readthedocs.io/en/latest/usage.html#record-modes
@pytest.mark.parametrize(
    ("mode", "exists", "action"),
    [
        # none: replay; nothing is ever recorded, a missing cassette is an error.
        (RecordMode.NONE, True, Action.REPLAY),
        (RecordMode.NONE, False, Action.MISSING),
        # once: replay an existing cassette, record one that does not exist.
        (RecordMode.ONCE, True, Action.REPLAY),
        (RecordMode.ONCE, False, Action.RECORD),
        # new_episodes: record new interactions into an existing cassette.
        (RecordMode.NEW_EPISODES, True, Action.EPISODES),
        (RecordMode.NEW_EPISODES, False, Action.RECORD),
        # all: never replay, always record.
        (RecordMode.ALL, True, Action.RECORD),
        (RecordMode.ALL, False, Action.RECORD),
        (RecordMode.OFF, True, Action.OFF),
        (RecordMode.OFF, False, Action.OFF),
    ],
)
def test_plan_follows_vcr_record_modes(mode: RecordMode, exists: bool, action: Action) -> None:
    assert plan(mode, exists) is action


@pytest.mark.parametrize(
    ("nodeid", "stem"),
    [
        ("tests/test_s3.py::test_put", "test_put"),
        ("tests/test_s3.py::TestPut::test_put[small]", "TestPut.test_put[small]"),
        ("t.py::test_x[a/b c:d]", "test_x[a_b_c_d]"),
    ],
)
def test_cassette_is_named_after_the_node_id(nodeid: str, stem: str) -> None:
    assert stem_for(nodeid) == stem


def test_a_very_long_name_is_shortened_with_a_stable_digest() -> None:
    long = "t.py::test_" + "x" * 400
    stem = stem_for(long)
    assert len(stem) == 150
    assert stem == stem_for(long)
    assert stem != stem_for(long + "y")


def test_cassettes_sit_next_to_the_module_or_under_the_dir_option(tmp_path: Path) -> None:
    module = tmp_path / "pkg" / "test_s3.py"
    assert cassette_dir(module, tmp_path, None) == tmp_path / "pkg" / "cassettes" / "test_s3"
    base = tmp_path / "recs"
    assert cassette_dir(module, tmp_path, base) == base / "pkg" / "test_s3"
    outside = Path("/elsewhere/test_x.py")
    assert cassette_dir(outside, tmp_path, base) == base / "test_x"


def test_marker_names_are_relative_to_the_cassette_dir(tmp_path: Path) -> None:
    assert cassette_path(tmp_path, "t.py::test_a", None) == tmp_path / "test_a.awsrec"
    assert cassette_path(tmp_path, "t.py::test_a", "shared/b") == tmp_path / "shared/b.awsrec"
    assert cassette_path(tmp_path, "t.py::test_a", "c.awsrec") == tmp_path / "c.awsrec"
    absolute = tmp_path / "abs" / "d"
    assert cassette_path(tmp_path / "x", "t.py::test_a", str(absolute)) == absolute.with_suffix(
        ".awsrec"
    )


def _cassette(path: Path, *keys: str) -> Path:
    header = CassetteHeader(awsrec_version="0", recorded_at="2025-01-01T00:00:00", upstream="aws")
    items = [
        Interaction(n, "s3", "GetObject", Request("GET", f"/b/{key}"), Response(200))
        for n, key in enumerate(keys, 1)
    ]
    dump_cassette(path, Cassette(header, items))
    return path


@pytest.mark.parametrize(
    ("old", "new", "rewrite"),
    [
        (("a", "b"), ("a", "b"), False),
        (("a", "b", "c"), ("a", "b"), False),  # old episodes at the end are kept
        (("a", "b"), ("a", "b", "c"), True),
        (("a", "b"), ("b", "a"), True),  # strict replay would fail on the order
        (("a", "b", "c"), ("a", "c"), True),
    ],
)
def test_new_episodes_keeps_a_cassette_only_while_it_replays_in_order(
    tmp_path: Path, old: tuple[str, ...], new: tuple[str, ...], rewrite: bool
) -> None:
    from awsrec.pytest_plugin.record import _has_new

    assert _has_new(_cassette(tmp_path / "old", *old), _cassette(tmp_path / "new", *new)) is rewrite
