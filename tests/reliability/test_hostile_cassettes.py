"""Hostile cassettes: `awsrec show/serve/diff` answer in one line; nothing allocated from claims."""

from __future__ import annotations

import random
import resource
import subprocess
import sys
import warnings
import zlib
from pathlib import Path

import msgpack
import pytest

from awsrec.cassette import load_cassette
from awsrec.errors import AwsrecError
from tests.replayer.conftest import interaction, write_cassette
from tests.support.servers import free_port

HEADER = {
    "awsrec": "cassette",
    "format": 1,
    "records": "deflate",
    "awsrec_version": "0.1.0",
    "recorded_at": "2026-01-01T00:00:00Z",
    "upstream": "hand-built",
    "region": "us-east-1",
    "placeholders": {},
    "rule_sets": {},
}
RECORD = {
    "seq": 1,
    "service": "s3",
    "operation": "GetObject",
    "request": {"method": "GET", "path": "/b/k", "query": [], "headers": [], "body": b""},
    "response": {"status": 200, "headers": ["Content-Type", "text/plain"], "body": b"hi"},
    "elapsed_ms": 1.0,
    "placeholders": [],
    "flags": {},
}
# Child processes get an address-space cap: a reader that believed a claimed size would die.
MEMORY_CAP = 2 << 30


def raw_cassette(header: object, *records: object, raw_records: bytes = b"") -> bytes:
    """A cassette file as the v1 layout says, from any (possibly wrong) objects."""
    deflate = zlib.compressobj(1, zlib.DEFLATED, -15)
    out = msgpack.packb(header, use_bin_type=True)
    for record in records:
        out += deflate.compress(msgpack.packb(record, use_bin_type=True))
        out += deflate.flush(zlib.Z_SYNC_FLUSH)
    if raw_records:
        out += deflate.compress(raw_records) + deflate.flush(zlib.Z_SYNC_FLUSH)
    return out


def _with(**changes: object) -> dict[str, object]:
    record = {**RECORD, **changes}
    return record


HOSTILE: dict[str, bytes] = {
    "empty": b"",
    "text": b"this is not a cassette\n",
    "json": b'{"awsrec": "cassette", "format": 1}',
    "no marker": raw_cassette({"format": 1}),
    "unknown version": raw_cassette({**HEADER, "format": 99}, RECORD),
    "format as str": raw_cassette({**HEADER, "format": "1"}, RECORD),
    "header wrong type": raw_cassette({**HEADER, "region": 7}, RECORD),
    "header is a list": raw_cassette([1, 2, 3]),
    "seq as str": raw_cassette(HEADER, _with(seq="one")),
    "odd header pairs": raw_cassette(
        HEADER,
        _with(response={**RECORD["response"], "headers": ["a"]}),  # type: ignore[dict-item]
    ),
    "body as str": raw_cassette(
        HEADER,
        _with(request={**RECORD["request"], "body": "text"}),  # type: ignore[dict-item]
    ),
    "record is a number": raw_cassette(HEADER, 42),
    # Lengths claimed but never present: a reader must not allocate them.
    "2 G-item array claimed": raw_cassette(HEADER, raw_records=b"\xdd\x7f\xff\xff\xff\x01"),
    "2 G-entry map claimed": raw_cassette(HEADER, raw_records=b"\xdf\x7f\xff\xff\xff\xa1a"),
    "nested arrays claimed": raw_cassette(HEADER, raw_records=b"\xdd\x00\x00\xff\xff" * 1000),
    "header 2 GB str claimed": b"\x81\xdb\x7f\xff\xff\xff" + b"a" * 32,
    "garbage deflate": msgpack.packb(HEADER) + bytes(random.Random(1).randbytes(4096)),
}
# A length running past the end of the file is a torn tail: dropped with a warning, not read.
TORN_2GB = raw_cassette(HEADER, RECORD, raw_records=b"\xc6\x7f\xff\xff\xff" + b"x" * 64)


def _one_line_error(stderr: str) -> None:
    assert "Traceback" not in stderr, stderr
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("awsrec: error: "), stderr


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def _awsrec(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "awsrec", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        preexec_fn=_limit_memory,
    )


@pytest.fixture(scope="module")
def hostile_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    for name, data in HOSTILE.items():
        (root / f"{name.replace(' ', '-')}.awsrec").write_bytes(data)
    return root


def _load_error(path: Path) -> str | None:
    try:
        load_cassette(path)
    except AwsrecError as e:
        return str(e)
    return None


def test_every_hostile_cassette_is_refused_in_one_line(hostile_dir: Path) -> None:
    for name in HOSTILE:
        error = _load_error(hostile_dir / f"{name.replace(' ', '-')}.awsrec")
        assert error is not None, f"{name}: loaded"
        assert "\n" not in error, f"{name}: {error}"
    print(f"\nhostile cassettes refused: {len(HOSTILE)}")


SHOWN = ["unknown version", "text", "seq as str", "2 G-item array claimed", "nested arrays claimed"]


@pytest.mark.parametrize("name", SHOWN)
def test_show_gives_one_line_error(hostile_dir: Path, name: str) -> None:
    done = _awsrec("show", str(hostile_dir / f"{name.replace(' ', '-')}.awsrec"))
    assert done.returncode == 3, (done.stdout[:300], done.stderr)
    _one_line_error(done.stderr)


def test_show_drops_a_claimed_2gb_tail_under_a_memory_cap(tmp_path: Path) -> None:
    path = tmp_path / "torn.awsrec"
    path.write_bytes(TORN_2GB)
    done = _awsrec("show", str(path))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "dropped a truncated trailing record" in done.stderr
    assert "GetObject" in done.stdout


@pytest.mark.parametrize("name", ["unknown version", "nested arrays claimed"])
def test_serve_refuses_with_one_line(hostile_dir: Path, name: str) -> None:
    path = hostile_dir / f"{name.replace(' ', '-')}.awsrec"
    done = _awsrec("serve", str(path), "--port", str(free_port()))
    assert done.returncode == 3, (done.stdout[:300], done.stderr)
    _one_line_error(done.stderr)
    assert path.name in done.stderr


@pytest.mark.parametrize("name", ["unknown version", "odd header pairs"])
def test_diff_refuses_with_one_line(hostile_dir: Path, name: str) -> None:
    path = hostile_dir / f"{name.replace(' ', '-')}.awsrec"
    # No emulator listens there: the cassette must be refused before any replay.
    done = _awsrec("diff", str(path), "--target", f"x=http://127.0.0.1:{free_port()}")
    assert done.returncode == 3, (done.stdout[:300], done.stderr)
    _one_line_error(done.stderr)


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("good") / "good.awsrec"
    records = [
        interaction(
            n,
            "s3",
            "PutObject",
            ("PUT", f"/b/k{n}", [], [("Content-Length", "5")], b"hello"),
            (200, [("ETag", '"5d41402abc4b2a76b9719d911017c592"')], b""),
        )
        for n in range(1, 6)
    ]
    return write_cassette(path, records).read_bytes()


def test_every_truncation_and_bit_flip_is_a_clean_error_or_a_dropped_tail(
    good: bytes, tmp_path: Path
) -> None:
    """In-process over many damaged copies: only AwsrecError, one line, never anything else."""
    rng = random.Random(11)
    damaged = [good[:n] for n in range(0, len(good), 3)]
    for _ in range(300):
        data = bytearray(good)
        data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        damaged.append(bytes(data))
    path = tmp_path / "damaged.awsrec"
    outcomes = {"loaded": 0, "refused": 0}
    for data in damaged:
        path.write_bytes(data)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a dropped torn tail warns; that is fine here
            error = _load_error(path)
        if error is None:
            outcomes["loaded"] += 1
        else:
            assert "\n" not in error, error
            outcomes["refused"] += 1
    print(f"\ndamaged cassettes: {len(damaged)} tried, {outcomes}")
    assert outcomes["refused"] > 0
