"""The record stream: one raw deflate stream, sync-flushed per record, continued by append_to."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import textwrap
import tracemalloc
import zlib
from pathlib import Path

import msgpack
import pytest
import yaml

from awsrec.cassette import CassetteHeader, encode_interaction
from awsrec.cassette_io import (
    CassetteWriter,
    TruncatedCassetteWarning,
    iter_cassette,
    load_cassette,
    uncompressed_bytes,
)
from awsrec.errors import AwsrecError, CassetteFormatError
from tests.awsrec.test_cassette import GOLDEN, sample_cassette
from tests.awsrec.test_cassette_io import _deflated, _hostile, _interaction, _write

MiB = 1 << 20
REPO = Path(__file__).resolve().parents[2]
SYNC = b"\x00\x00\xff\xff"


def _split(path: Path) -> tuple[dict[str, object], bytes]:
    """The header map and the compressed bytes after it."""
    data = path.read_bytes()
    unpacker = msgpack.Unpacker(raw=False)
    unpacker.feed(data)
    header = unpacker.unpack()
    return header, data[unpacker.tell() :]


def test_golden_header_is_plain_and_records_are_one_raw_deflate_stream() -> None:
    header, stream = _split(GOLDEN)
    assert (header["awsrec"], header["format"], header["records"]) == ("cassette", 1, "deflate")
    assert list(header)[:3] == ["awsrec", "format", "records"]
    inflate = zlib.decompressobj(-15)
    records = inflate.decompress(stream)
    expected = [msgpack.packb(encode_interaction(i)) for i in sample_cassette().interactions]
    assert records == b"".join(expected)
    assert not inflate.eof  # never finished: a fresh compressor may continue it
    assert stream.endswith(SYNC)


def test_every_append_ends_on_a_sync_flush_in_one_write(tmp_path: Path) -> None:
    path = tmp_path / "c.awsrec"
    ends = _write(path, 5)
    data = path.read_bytes()
    inflate, seen = zlib.decompressobj(-15), b""
    for n, (start, end) in enumerate(zip(ends, ends[1:], strict=False)):
        assert data[:end].endswith(SYNC)
        # Each record's bytes inflate to exactly that record: nothing is held back for later.
        seen = inflate.decompress(data[start:end])
        assert msgpack.unpackb(seen, raw=False)["seq"] == n


def _load_benchmark() -> object:
    spec = importlib.util.spec_from_file_location("bench", REPO / "benchmarks" / "cassette_io.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("bodies", ["mixed", "binary", "xml"])
def test_size_is_at_most_half_of_vcr_yaml(tmp_path: Path, bodies: str) -> None:
    # Issue 2's goal, on the benchmark's S3-shaped exchanges (fewer of them, to stay fast).
    bench = _load_benchmark()
    interactions = bench.make_interactions(400, bodies)  # type: ignore[attr-defined]
    path = tmp_path / "c.awsrec"
    with CassetteWriter(path, CassetteHeader("0.1.0", "now", "bench")) as writer:
        for interaction in interactions:
            writer.append(interaction)
    document = bench.vcr_document(interactions)  # type: ignore[attr-defined]
    yaml_size = len(yaml.dump(document, Dumper=bench.Dumper).encode())  # type: ignore[attr-defined]
    assert path.stat().st_size <= yaml_size / 2
    assert load_cassette(path).interactions == interactions


def test_uncompressed_bytes_are_what_check_saw(tmp_path: Path) -> None:
    seen: list[bytes] = []
    path = tmp_path / "c.awsrec"
    with CassetteWriter(path, sample_cassette().header, check=seen.append) as writer:
        for interaction in sample_cassette().interactions:
            writer.append(interaction)
    assert uncompressed_bytes(path) == b"".join(seen)
    assert b"hello.txt" not in path.read_bytes()[len(seen[0]) :]
    assert b"hello.txt" in uncompressed_bytes(path)


def test_corrupt_compressed_data_names_file_index_and_byte(tmp_path: Path) -> None:
    path = tmp_path / "c.awsrec"
    ends = _write(path, 3)
    data = bytearray(path.read_bytes())
    data[ends[1]] = 0x07  # BFINAL=1, BTYPE=11: the reserved block type, invalid in deflate
    path.write_bytes(bytes(data))
    message = rf"^{path}: interaction #1 \(byte {ends[1]}\): corrupt compressed data"
    with pytest.raises(CassetteFormatError, match=message):
        load_cassette(path)


def test_invalid_msgpack_inside_valid_deflate(tmp_path: Path) -> None:
    first = msgpack.packb(encode_interaction(_interaction(0)))
    path = _hostile(tmp_path, first, b"\xc1")
    record_end = len(path.read_bytes()) - len(_deflated(first, b"\xc1")) + len(_deflated(first))
    with pytest.raises(CassetteFormatError, match=rf"#1 \(byte {record_end}\): not valid msgpack"):
        load_cassette(path)


def test_records_must_each_end_on_a_sync_flush(tmp_path: Path) -> None:
    two = msgpack.packb(encode_interaction(_interaction(0))) * 2  # one flush for two records
    path = _hostile(tmp_path, two)
    with pytest.raises(CassetteFormatError, match="#0 .*not followed by a sync flush"):
        load_cassette(path)


def test_deflate_bomb_in_a_claimed_bin_allocates_bounded_memory(tmp_path: Path) -> None:
    # 128 MiB of zeros compress to ~130 KB; the bin claims 900 MiB. Inflating is bounded per
    # read and nothing keeps what it has skipped, so this reads as a torn tail in a few MiB.
    path = _hostile(tmp_path, b"\x81\xa4body\xc6\x38\x00\x00\x00" + bytes(128 * MiB))
    assert path.stat().st_size < MiB
    tracemalloc.start()
    try:
        with pytest.warns(TruncatedCassetteWarning, match="dropped a truncated trailing record"):
            assert load_cassette(path).interactions == []
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 40 * MiB


def test_two_big_incompressible_bodies_in_one_record(tmp_path: Path) -> None:
    request_body, response_body = os.urandom(20 * MiB), os.urandom(20 * MiB)
    big = _interaction(1, response_body)
    big.request.body = request_body
    path = tmp_path / "big.awsrec"
    tracemalloc.start()
    try:
        with CassetteWriter(path, sample_cassette().header) as writer:
            writer.append(big)
            writer.append(_interaction(2, b"after"))
        write_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        _, stream = iter_cassette(path)
        first = next(stream)
        assert (first.request.body, first.response.body) == (request_body, response_body)
        del first
        assert next(stream).response.body == b"after"
        read_peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # The compressed copy is written a MiB at a time, never held whole; reading holds the
    # decoded bodies and a buffer for one of them, never a second copy of both.
    assert write_peak < 8 * MiB
    assert read_peak < 40 * MiB + 20 * MiB + 8 * MiB


def test_append_to_continues_the_stream_in_place(tmp_path: Path) -> None:
    path = tmp_path / "c.awsrec"
    _write(path, 3)
    before, inode = path.read_bytes(), path.stat().st_ino
    with CassetteWriter.append_to(path) as writer:
        writer.append(_interaction(7, b"x" * 100))
    assert path.read_bytes().startswith(before)
    assert path.stat().st_ino == inode
    assert [i.seq for i in load_cassette(path).interactions] == [0, 1, 2, 7]


def test_append_to_rewrites_a_torn_tail_keeping_unknown_keys(tmp_path: Path) -> None:
    record = encode_interaction(_interaction(0))
    record["added_in_1_1"] = [1, 2]
    path = _hostile(tmp_path, msgpack.packb(record))
    path.write_bytes(path.read_bytes() + _deflated(msgpack.packb(record))[:-3])
    inode = path.stat().st_ino
    with pytest.warns(TruncatedCassetteWarning):
        writer = CassetteWriter.append_to(path)
    with writer:
        writer.append(_interaction(9))
    assert path.stat().st_ino != inode  # replaced whole (temp + rename), not cut in place
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hostile.awsrec"]
    assert [i.seq for i in load_cassette(path).interactions] == [0, 9]  # and no warning
    assert b"added_in_1_1" in uncompressed_bytes(path)


def test_a_finished_stream_reads_and_append_to_rewrites_it(tmp_path: Path) -> None:
    path = tmp_path / "c.awsrec"
    _write(path, 2)
    path.write_bytes(path.read_bytes() + b"\x03\x00")  # a final empty block, as Z_FINISH adds
    assert [i.seq for i in load_cassette(path).interactions] == [0, 1]
    with CassetteWriter.append_to(path) as writer:
        writer.append(_interaction(5))
    assert [i.seq for i in load_cassette(path).interactions] == [0, 1, 5]
    inflate = zlib.decompressobj(-15)
    inflate.decompress(_split(path)[1])
    assert not inflate.eof


def test_bytes_after_a_finished_stream_are_an_error(tmp_path: Path) -> None:
    path = tmp_path / "c.awsrec"
    _write(path, 2)
    path.write_bytes(path.read_bytes() + b"\x03\x00" + _deflated(b"\x01"))
    with pytest.raises(CassetteFormatError, match="bytes follow the end of the compressed stream"):
        load_cassette(path)


@pytest.mark.parametrize(
    ("records", "message"),
    [
        ("zstd", r"records encoded as 'zstd' are not supported \(supported: deflate\)"),
        (None, "header.records is nil, expected str"),
        ("missing", "header has no 'records'"),
    ],
)
def test_unknown_record_encoding_is_refused(tmp_path: Path, records: str, message: str) -> None:
    header, stream = _split(GOLDEN)
    header["records"] = records
    if records == "missing":
        del header["records"]
    path = tmp_path / "z.awsrec"
    path.write_bytes(msgpack.packb(header) + stream)
    with pytest.raises(CassetteFormatError, match=message) as info:
        load_cassette(path)
    assert str(info.value).startswith(f"{path}: ")


FAILING_DISK = textwrap.dedent(
    """
    import os, resource, signal, sys
    from pathlib import Path
    from awsrec.cassette import CassetteHeader, Interaction, Request, Response
    from awsrec.cassette_io import CassetteWriter
    from awsrec.errors import AwsrecError

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # get EFBIG from write() instead of a signal
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
    writer = CassetteWriter(Path(sys.argv[1]), CassetteHeader("0.1.0", "now", "moto"))
    def append(n, size):
        body = os.urandom(size)  # incompressible: the record really is that big on disk
        request = Request("PUT", "/b/k", body=body)
        writer.append(Interaction(n, "s3", "PutObject", request, Response(200)))
    append(0, 10)
    for n, size in ((1, 100_000), (2, 10)):
        try:
            append(n, size)
        except AwsrecError as e:
            print(n, e)
    """
)


def test_a_failed_write_stops_the_writer(tmp_path: Path) -> None:
    # A real short write (the file size limit): the compressor is then past what is on disk, so
    # the writer refuses further appends instead of writing an undecodable stream.
    path = tmp_path / "c.awsrec"
    args = [sys.executable, "-c", FAILING_DISK, str(path)]
    proc = subprocess.run(args, capture_output=True, text=True, cwd=REPO, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    first, second = proc.stdout.splitlines()
    assert first.startswith("1 ")
    assert "cannot write cassette: File too large" in first
    assert second.startswith("2 ")
    assert "an earlier write failed (File too large)" in second
    with pytest.warns(TruncatedCassetteWarning):
        assert [i.seq for i in load_cassette(path).interactions] == [0]
    with pytest.warns(TruncatedCassetteWarning), CassetteWriter.append_to(path) as writer:
        writer.append(_interaction(3))
    assert [i.seq for i in load_cassette(path).interactions] == [0, 3]


def test_a_closed_writer_refuses_appends(tmp_path: Path) -> None:
    writer = CassetteWriter(tmp_path / "c.awsrec", sample_cassette().header)
    writer.close()
    with pytest.raises(AwsrecError, match="cassette writer is closed"):
        writer.append(_interaction(1))


def test_big_record_with_every_msgpack_type_round_trips(tmp_path: Path) -> None:
    # A body past the shared buffer sends the record down the measured path, whose walk over
    # the record must agree with msgpack on every type (and stay fast over many small tokens).
    values: list[object] = [None, True, False, 0, -1, -33, 127, 255, 65_535, 2**32, -(2**63)]
    values += [2**64 - 1, 1.5, "", "x" * 31, "y" * 255, "z" * 70_000, b"", b"b" * 300, [], {}]
    values += [[1, [2, [3]]], {"k": {"n": None}}, list(range(20)), "é" * 40]
    flags = {f"flag{n}": values[n % len(values)] for n in range(20_000)}
    big = _interaction(1, bytes(range(256)) * (17 * MiB // 256))
    big.flags = flags
    path = tmp_path / "c.awsrec"
    with CassetteWriter(path, sample_cassette().header) as writer:
        writer.append(big)
        writer.append(_interaction(2, b"after"))
    loaded = load_cassette(path).interactions
    assert loaded[0] == big
    assert loaded[1].response.body == b"after"
