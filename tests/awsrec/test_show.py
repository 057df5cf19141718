"""`awsrec show`: the readable view, and the CLI's behaviour as a git textconv driver."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import sys
import zlib
from pathlib import Path

import msgpack
import pytest
import yaml

from awsrec.cassette_io import CassetteWriter, dump_cassette
from awsrec.show import body_view, pretty_json, pretty_xml, show
from tests.awsrec.test_cassette import GOLDEN, sample_cassette

DATA = Path(__file__).parent.parent / "data"
REPO = Path(__file__).resolve().parents[2]


def awsrec(*args: str | Path) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "awsrec", *map(str, args)]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, timeout=60, check=False)


def assert_one_line_error(proc: subprocess.CompletedProcess[str], code: int, text: str) -> None:
    assert proc.returncode == code
    assert "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") == 1, proc.stderr
    assert proc.stderr.startswith("awsrec: error: ")
    assert text in proc.stderr


def test_show_golden_yaml() -> None:
    proc = awsrec("show", GOLDEN)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert proc.stdout == (DATA / "cassette_v1.show.yaml").read_text(encoding="utf-8")


def test_yaml_view_parses_and_keeps_order() -> None:
    view = yaml.safe_load(awsrec("show", GOLDEN).stdout)
    assert view["header"]["format"] == 1
    first = view["interactions"][0]
    assert [first["seq"], first["service"], first["operation"]] == [1, "s3", "PutObject"]
    assert first["request"]["headers"] == [
        {"Content-Type": "application/octet-stream"},
        {"x-amz-meta-ünï": "çå"},
    ]
    assert first["request"]["body"].startswith("<binary 256 bytes sha256=40aff2e9d2d8922e47afd")
    listing = view["interactions"][1]["response"]["body"]
    assert listing.splitlines()[2] == "  <Name>my-bucket</Name>"


def test_json_view() -> None:
    proc = awsrec("show", GOLDEN, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    view = json.loads(proc.stdout)
    assert view["header"]["upstream"] == "moto-server 5.2.1"
    error = view["interactions"][2]["response"]
    assert error["status"] == 400
    assert json.loads(error["body"])["message"] == "Requested resource not found"
    assert view["interactions"][3]["response"]["body"] == "héllo\nwörld\n"


def test_empty_cassette(tmp_path: Path) -> None:
    CassetteWriter(tmp_path / "e.awsrec", sample_cassette().header).close()
    out = io.StringIO()
    show(tmp_path / "e.awsrec", out)
    assert yaml.safe_load(out.getvalue())["interactions"] == []


def test_torn_tail_shows_with_a_one_line_warning(tmp_path: Path) -> None:
    path = tmp_path / "c.awsrec"
    dump_cassette(path, sample_cassette())
    path.write_bytes(path.read_bytes()[:-3])
    proc = awsrec("show", path)
    assert proc.returncode == 0
    assert len(yaml.safe_load(proc.stdout)["interactions"]) == 3
    assert proc.stderr.startswith("awsrec: warning: ")
    assert "dropped a truncated trailing record at byte" in proc.stderr
    assert proc.stderr.count("\n") == 1


def test_corrupt_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.awsrec"
    with CassetteWriter(path, sample_cassette().header) as writer:
        writer.append(sample_cassette().interactions[0])
    start = path.stat().st_size  # where interaction #1 begins
    # Interaction #1 is the one byte msgpack never uses, validly compressed: a fresh raw
    # deflate stream continues the file's, as it does when a writer reopens it.
    deflate = zlib.compressobj(6, zlib.DEFLATED, -15)
    path.write_bytes(
        path.read_bytes() + deflate.compress(b"\xc1") + deflate.flush(zlib.Z_SYNC_FLUSH)
    )
    proc = awsrec("show", path)
    assert_one_line_error(proc, 3, f"interaction #1 (byte {start}): not valid msgpack")
    # The view streams: what came before the damage is shown, then the error.
    assert "seq: 1" in proc.stdout
    assert "seq: 2" not in proc.stdout


def test_non_msgpack_file(tmp_path: Path) -> None:
    (tmp_path / "notes.awsrec").write_text("just some notes\n")
    proc = awsrec("show", tmp_path / "notes.awsrec")
    assert_one_line_error(proc, 3, "not an awsrec cassette")
    assert proc.stdout == ""


def test_future_format(tmp_path: Path) -> None:
    (tmp_path / "f.awsrec").write_bytes(msgpack.packb({"awsrec": "cassette", "format": 7}))
    proc = awsrec("show", tmp_path / "f.awsrec")
    assert_one_line_error(proc, 3, "cassette format 7 is not supported (supported: 1)")
    assert proc.stdout == ""


def test_missing_file(tmp_path: Path) -> None:
    proc = awsrec("show", tmp_path / "nope.awsrec")
    assert_one_line_error(proc, 3, "No such file or directory")
    assert proc.stdout == ""


@pytest.mark.parametrize(
    ("args", "text"),
    [(("show",), "Missing argument"), (("show", GOLDEN, "--format", "xml"), "unknown format")],
)
def test_usage_errors(args: tuple[str, ...], text: str) -> None:
    assert_one_line_error(awsrec(*args), 2, text)


def test_json_pretty_print_is_lossless() -> None:
    raw = '{"n":1.50,"e":"a\\u00e9\\"b","l":[],"o":{},"d":[{"k":true}]}'
    pretty = pretty_json(raw)
    assert pretty is not None
    assert "1.50" in pretty
    assert json.loads(pretty) == json.loads(raw)
    assert pretty.splitlines()[:3] == ["{", '  "n": 1.50,', '  "e": "a\\u00e9\\"b",']
    assert pretty_json('{"a":1,"a":2}') is None  # duplicates would be hidden by a reformat


def test_xml_keeps_declaration_and_prefixes() -> None:
    raw = '<?xml version="1.0" encoding="UTF-8"?>\n<a:R xmlns:a="urn:x"><a:K>v</a:K></a:R>'
    assert pretty_xml(raw) == (
        '<?xml version="1.0" encoding="UTF-8"?>\n<a:R xmlns:a="urn:x">\n  <a:K>v</a:K>\n</a:R>'
    )


@pytest.mark.parametrize(
    ("body", "content_type", "view"),
    [
        (b"", None, ""),
        (b"plain text", "application/octet-stream", "plain text"),
        (
            b"\x00\x01",
            "text/plain",
            "<binary 2 bytes sha256=" + hashlib.sha256(b"\x00\x01").hexdigest() + ">",
        ),
        (b"{not json", "application/json", "{not json"),
        (b"<unclosed>", "application/xml", "<unclosed>"),
        (b"[1,2]", None, "[\n  1,\n  2\n]"),
    ],
)
def test_body_view(body: bytes, content_type: str | None, view: str) -> None:
    assert body_view(body, content_type) == view
