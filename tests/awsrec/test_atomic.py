"""Atomic writes: a reader sees the old file or the new one whole, and modes stay usual."""

from __future__ import annotations

import os
from pathlib import Path

from awsrec.atomic import atomic_write_bytes, atomic_write_json
from awsrec.normalize import Rule, RuleSet, dump_rules_file, load_rules_file


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def test_a_reader_of_the_old_file_keeps_it_whole(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "state.json"
    atomic_write_json(path, {"v": 1})
    os.link(path, tmp_path / "reader")  # what an open reader holds: the old inode
    atomic_write_bytes(path, b'{"v":2}')
    assert (tmp_path / "reader").read_bytes() == b'{"v":1}'
    assert path.read_bytes() == b'{"v":2}'
    assert sorted(p.name for p in path.parent.iterdir()) == ["state.json"]  # no temp left


def test_new_files_follow_the_umask_and_replaced_files_keep_their_mode(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.txt"
    atomic_write_bytes(fresh, b"x")
    assert fresh.stat().st_mode & 0o777 == 0o666 & ~_umask()  # as open() makes it, not 0600
    kept = tmp_path / "kept.txt"
    kept.write_bytes(b"old")
    kept.chmod(0o640)
    atomic_write_bytes(kept, b"new")
    assert kept.stat().st_mode & 0o777 == 0o640


def test_dump_rules_file_replaces_the_file_instead_of_truncating_it(tmp_path: Path) -> None:
    path = tmp_path / "noise-rules.yaml"
    first = RuleSet([Rule("header", "X-Amz-Id-2", "<id>")], version="1")
    dump_rules_file(first, path)
    os.link(path, tmp_path / "reader")
    dump_rules_file(RuleSet([Rule("header", "ETag", "<etag>")], version="2"), path)
    assert load_rules_file(tmp_path / "reader").rules == first.rules
    assert [r.match for r in load_rules_file(path).rules] == ["ETag"]
