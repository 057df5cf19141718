"""The secrets sweep finds what it must (so the session-end sweep can fail) and passes the repo."""

from __future__ import annotations

import hashlib
from pathlib import Path

from tests.reliability.conftest import ROOT
from tests.reliability.secrets import CANARIES, sweep
from tests.replayer.conftest import interaction, write_cassette


def _cassette(path: Path, headers: list[tuple[str, str]], body: bytes = b"") -> Path:
    return write_cassette(
        path,
        [interaction(1, "s3", "PutObject", ("PUT", "/b/k", [], headers, body), (200, [], b""))],
    )


def test_repo_cassettes_hold_no_canary_or_signature() -> None:
    assert sweep([ROOT / "cassettes"]) == []


def test_sweep_finds_a_planted_canary_and_signatures(tmp_path: Path) -> None:
    planted = tmp_path / "planted"
    planted.mkdir()
    _cassette(planted / "canary.awsrec", [("x-note", CANARIES[1].decode())])
    sig = "ab" * 32
    _cassette(
        planted / "auth.awsrec",
        [("Authorization", f"AWS4-HMAC-SHA256 Credential=x, SignedHeaders=host, Signature={sig}")],
    )
    _cassette(planted / "hex.awsrec", [("x-odd", "cd" * 32)])
    findings = sweep([planted])
    assert any("canary.awsrec: canary" in f for f in findings), findings
    assert any("auth.awsrec: signature abababababab" in f for f in findings), findings
    assert any("hex.awsrec: seq 1: 64-hex value in x-odd" in f for f in findings), findings
    # Moved out of the session's temp dir, so the session-end sweep does not trip over them.
    for path in planted.iterdir():
        path.unlink()


def test_body_hashes_are_not_signatures(tmp_path: Path) -> None:
    body = b"hello"
    digest = hashlib.sha256(body).hexdigest()
    _cassette(tmp_path / "ok.awsrec", [("x-amz-content-sha256", digest), ("x-copy", digest)], body)
    assert sweep([tmp_path]) == []
