"""Cassette files: append-only writer, crash safety, torn tails, corruption, big/hostile files."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import tracemalloc
import warnings
import zlib
from pathlib import Path

import msgpack
import pytest

from awsrec.cassette import Cassette, Interaction, Request, Response
from awsrec.cassette_io import (
    CassetteWriter,
    TruncatedCassetteWarning,
    cassette_files,
    dump_cassette,
    iter_cassette,
    load_cassette,
)
from awsrec.errors import AwsrecError, CassetteFormatError, SecretLeakError
from tests.awsrec.test_cassette import sample_cassette

MiB = 1 << 20
REPO = Path(__file__).resolve().parents[2]


def _interaction(n: int, body: bytes = b"") -> Interaction:
    return Interaction(n, "s3", "GetObject", Request("GET", f"/b/k{n}"), Response(200, [], body))


def _write(path: Path, count: int) -> list[int]:
    """Write a cassette of `count` interactions; return each record's end offset."""
    ends = []
    with CassetteWriter(path, sample_cassette().header) as writer:
        ends.append(path.stat().st_size)
        for n in range(count):
            writer.append(_interaction(n, bytes([n]) * n))
            ends.append(path.stat().st_size)
    return ends


def test_append_is_on_disk_before_close(tmp_path: Path) -> None:
    path = tmp_path / "c.awsrec"
    writer = CassetteWriter(path, sample_cassette().header)
    writer.append(_interaction(1))
    # A second reader sees the record while the writer is still open: nothing sits in a buffer.
    assert [i.seq for i in load_cassette(path).interactions] == [1]
    writer.close()


def test_every_cut_point_keeps_the_complete_records(tmp_path: Path) -> None:
    full = tmp_path / "full.awsrec"
    ends = _write(full, 6)
    data = full.read_bytes()
    cut = tmp_path / "cut.awsrec"
    for size in range(ends[0], len(data) + 1):
        cut.write_bytes(data[:size])
        complete = sum(1 for end in ends[1:] if end <= size)
        if size in ends:
            assert len(load_cassette(cut).interactions) == complete
            continue
        with pytest.warns(TruncatedCassetteWarning, match=f"at byte {ends[complete]} "):
            loaded = load_cassette(cut)
        assert [i.seq for i in loaded.interactions] == list(range(complete))


def test_warning_names_file_and_offset(tmp_path: Path) -> None:
    path = tmp_path / "c.awsrec"
    ends = _write(path, 3)
    with path.open("r+b") as f:
        f.truncate(ends[-1] - 1)
    with pytest.warns(TruncatedCassetteWarning) as record:
        load_cassette(path)
    torn = ends[3] - 1 - ends[2]
    assert str(record[0].message) == (
        f"{path}: dropped a truncated trailing record at byte {ends[2]} ({torn} bytes)"
    )


def test_header_cut_is_an_error_not_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "c.awsrec"
    ends = _write(path, 1)
    path.write_bytes(path.read_bytes()[: ends[0] - 1])
    with pytest.raises(CassetteFormatError, match="file ends inside the header"):
        load_cassette(path)


def test_append_to_continues_and_cuts_a_torn_tail(tmp_path: Path) -> None:
    path = tmp_path / "c.awsrec"
    ends = _write(path, 3)
    with path.open("r+b") as f:
        f.truncate(ends[-1] - 2)
    with pytest.warns(TruncatedCassetteWarning):
        writer = CassetteWriter.append_to(path)
    with writer:
        assert writer.count == 2
        assert writer.header == sample_cassette().header
        writer.append(_interaction(7))
    assert [i.seq for i in load_cassette(path).interactions] == [0, 1, 7]


def test_append_to_rejects_a_corrupt_file(tmp_path: Path) -> None:
    path = tmp_path / "c.awsrec"
    path.write_bytes(b"\xc1not a cassette")
    with pytest.raises(CassetteFormatError, match="not an awsrec cassette"):
        CassetteWriter.append_to(path)
    assert path.read_bytes() == b"\xc1not a cassette"


CHILD = textwrap.dedent(
    """
    import os, signal, sys, threading
    from pathlib import Path
    from awsrec.cassette import CassetteHeader, Interaction, Request, Response
    from awsrec.cassette_io import CassetteWriter

    path, kill_after, body_size, racing = sys.argv[1:]
    kill_after, body_size = int(kill_after), int(body_size)
    writer = CassetteWriter(Path(path), CassetteHeader("0.1.0", "now", "moto"))
    done = threading.Event()
    if racing == "1":
        # Kill from another thread at an arbitrary moment, quite possibly mid-write.
        threading.Thread(target=lambda: (done.wait(), os.kill(os.getpid(), signal.SIGKILL))).start()
    for n in range(10_000):
        body = bytes([n % 256]) * body_size
        request = Request("PUT", "/b/k", body=body)
        writer.append(Interaction(n, "s3", "PutObject", request, Response(200)))
        os.write(1, b"%d\\n" % n)
        if n == kill_after:
            done.set()
            if racing == "0":
                os.kill(os.getpid(), signal.SIGKILL)
    """
)


@pytest.mark.parametrize(("racing", "body_size"), [("0", 100), ("1", 3 * MiB)])
def test_kill_9_never_loses_an_appended_interaction(
    tmp_path: Path, racing: str, body_size: int
) -> None:
    path = tmp_path / "c.awsrec"
    args = [sys.executable, "-c", CHILD, str(path), "20", str(body_size), racing]
    proc = subprocess.run(args, capture_output=True, cwd=REPO, timeout=120, check=False)
    assert proc.returncode == -9, proc.stderr.decode()
    appended = [int(line) for line in proc.stdout.split()]
    assert appended[-1] >= 20
    with warnings.catch_warnings():
        # The racing kill may land mid-write: a torn tail is then fine, a lost append is not.
        warnings.simplefilter("ignore", TruncatedCassetteWarning)
        loaded = load_cassette(path).interactions
    assert [i.seq for i in loaded[: len(appended)]] == appended
    assert len(loaded) <= len(appended) + 1
    for i in loaded:
        assert i.request.body == bytes([i.seq % 256]) * body_size


def test_check_sees_each_record_and_can_abort_the_write(tmp_path: Path) -> None:
    seen: list[bytes] = []

    def scanner(data: bytes) -> None:
        seen.append(data)
        if b"AKIASECRET" in data:
            raise SecretLeakError("a secret would be written")

    path = tmp_path / "c.awsrec"
    with CassetteWriter(path, sample_cassette().header, check=scanner) as writer:
        writer.append(_interaction(1, b"fine"))
        with pytest.raises(SecretLeakError):
            writer.append(_interaction(2, b"key=AKIASECRET"))
        writer.append(_interaction(3, b"x" * (2 * MiB)))  # the large-body path is checked too
    assert [i.seq for i in load_cassette(path).interactions] == [1, 3]
    assert len(seen) == 4
    assert msgpack.unpackb(seen[0], raw=False)["awsrec"] == "cassette"
    assert msgpack.unpackb(seen[3], raw=False)["response"]["body"] == b"x" * (2 * MiB)


def test_body_over_64_mib_streams_with_bounded_memory(tmp_path: Path) -> None:
    body = bytes(range(256)) * (70 * MiB // 256)
    path = tmp_path / "big.awsrec"
    tracemalloc.start()
    try:
        with CassetteWriter(path, sample_cassette().header) as writer:
            writer.append(_interaction(1, body))
            writer.append(_interaction(2, b"after"))
        write_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        header, stream = iter_cassette(path)
        first = next(stream)
        assert first.response.body == body
        del first
        assert next(stream).response.body == b"after"
        read_peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # Writing references the body instead of copying it; reading holds at most the record
    # buffer (capped at the file size) and the decoded body.
    assert write_peak < 8 * MiB
    assert read_peak < 2 * len(body) + 8 * MiB


def _deflated(*records: bytes) -> bytes:
    """Records as the writer compresses them: one raw deflate stream, sync-flushed after each."""
    deflate = zlib.compressobj(6, zlib.DEFLATED, -15)
    return b"".join(deflate.compress(r) + deflate.flush(zlib.Z_SYNC_FLUSH) for r in records)


def _hostile(tmp_path: Path, *records: bytes) -> Path:
    # A fresh compressor's output continues the stream of a cassette with no records, as it
    # continues any cassette (append_to relies on that), so this is what a crafted file holds.
    path = tmp_path / "hostile.awsrec"
    _write(path, 0)
    path.write_bytes(path.read_bytes() + _deflated(*records))
    return path


def _peak_while_loading(path: Path) -> int:
    tracemalloc.start()
    try:
        load_cassette(path)
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


@pytest.mark.parametrize("claim", [b"\x7f\xff\xff\xff", b"\x38\x00\x00\x00"])
def test_claimed_huge_bin_with_10_bytes_allocates_nothing(tmp_path: Path, claim: bytes) -> None:
    # {"body": bin32 claiming 2 GiB (or 900 MiB)} followed by only 10 bytes: msgpack checks a
    # length only once its bytes are present, so this reads as a torn tail and allocates nothing.
    header_end = _write(tmp_path / "empty.awsrec", 0)[0]
    tail = _deflated(b"\x81\xa4body\xc6" + claim + b"0123456789")
    path = _hostile(tmp_path, b"\x81\xa4body\xc6" + claim + b"0123456789")
    with pytest.warns(TruncatedCassetteWarning, match=rf"at byte {header_end} \({len(tail)} bytes"):
        peak = _peak_while_loading(path)
    assert peak < 4 * MiB


def test_claimed_huge_arrays_are_refused_before_allocating(tmp_path: Path) -> None:
    path = _hostile(tmp_path, b"\xdd\xff\xff\xff\xff" * 3)
    tracemalloc.start()
    try:
        with pytest.raises(CassetteFormatError, match="exceeds max_array_len"):
            load_cassette(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 * MiB


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file, not an awsrec cassette"),
        (b"hello world\n", r"not an awsrec cassette \(first object is int"),
        (b"\xc1\x00", "not an awsrec cassette .*not valid msgpack"),
        (msgpack.packb({"format": 1}), "first object is a map without the awsrec marker"),
        (msgpack.packb([1, 2]), "first object is list"),
        (
            msgpack.packb({"awsrec": "cassette", "format": 7}),
            r"cassette format 7 is not supported \(supported: 1\)",
        ),
        (
            msgpack.packb({"awsrec": "cassette", "format": 1, "awsrec_version": 1}),
            "header.awsrec_version is int, expected str",
        ),
    ],
)
def test_not_a_cassette(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "x.awsrec"
    path.write_bytes(content)
    with pytest.raises(CassetteFormatError, match=message) as info:
        load_cassette(path)
    assert str(info.value).startswith(f"{path}: ")
    assert "\n" not in str(info.value)


def test_corrupt_record_names_its_index_and_offset(tmp_path: Path) -> None:
    path = tmp_path / "c.awsrec"
    ends = _write(path, 3)
    data = bytearray(path.read_bytes())
    data[ends[1]] = 0xC1  # the never-used msgpack byte, at the start of interaction #1
    path.write_bytes(bytes(data))
    with pytest.raises(CassetteFormatError, match=rf"interaction #1 \(byte {ends[1]}\)"):
        load_cassette(path)


def test_bit_flips_raise_only_cassette_format_errors(tmp_path: Path) -> None:
    path = tmp_path / "c.awsrec"
    dump_cassette(path, sample_cassette())
    data = path.read_bytes()
    flipped = tmp_path / "flipped.awsrec"
    outcomes = set()
    for offset in range(len(data)):
        for bit in (0x01, 0x80):
            mutated = bytearray(data)
            mutated[offset] ^= bit
            flipped.write_bytes(bytes(mutated))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", TruncatedCassetteWarning)
                try:
                    load_cassette(flipped)
                    outcomes.add("loaded")
                except CassetteFormatError:
                    outcomes.add("error")
    assert outcomes == {"loaded", "error"}


def test_missing_file_is_an_awsrec_error(tmp_path: Path) -> None:
    with pytest.raises(AwsrecError, match="cannot read cassette: No such file"):
        load_cassette(tmp_path / "nope.awsrec")


def test_dump_is_atomic_and_leaves_no_temp_files(tmp_path: Path) -> None:
    path = tmp_path / "c.awsrec"
    dump_cassette(path, sample_cassette())
    broken = Cassette(sample_cassette().header, [_interaction(1), _interaction(2)])
    broken.interactions[1].request.headers = [("bad", 1)]  # type: ignore[list-item]
    with pytest.raises(CassetteFormatError):
        dump_cassette(path, broken)
    assert load_cassette(path) == sample_cassette()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.awsrec"]


def test_cassette_files_expands_directories_sorted(tmp_path: Path) -> None:
    for name in ("b.awsrec", "a.awsrec", "sub/c.awsrec", "notes.txt"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_bytes(b"")
    explicit = tmp_path / "notes.txt"
    assert cassette_files([explicit, tmp_path]) == [
        explicit,
        tmp_path / "a.awsrec",
        tmp_path / "b.awsrec",
        tmp_path / "sub" / "c.awsrec",
    ]
    with pytest.raises(AwsrecError, match="no such file or directory"):
        cassette_files([tmp_path / "missing"])
