"""The pytest plugin's record path writes through the secret scanner, as the recorder does."""

from __future__ import annotations

from pathlib import Path

import pytest

import awsrec
from awsrec.cassette import (
    Cassette,
    CassetteHeader,
    Interaction,
    Request,
    Response,
    dump_cassette,
    load_cassette,
)
from awsrec.errors import SecretLeakError
from recorder.pytest_host import RecordHost
from tests.recorder.helpers import SECRET_KEY

HEADER = CassetteHeader(awsrec.__version__, "2024-11-21T08:32:24+00:00", "aws")


def _leaky() -> Cassette:
    body = b"<Note>" + SECRET_KEY.encode() + b"</Note>"
    interaction = Interaction(1, "s3", "GetObject", Request("GET", "/b/k"), Response(200, [], body))
    return Cassette(HEADER, [interaction])


def test_dump_cassette_refuses_a_secret_and_keeps_the_old_file(tmp_path: Path) -> None:
    def check(data: bytes) -> None:
        if SECRET_KEY.encode() in data:
            raise SecretLeakError("secret SecretAccessKey would be written")

    target = tmp_path / "kept.awsrec"
    dump_cassette(target, Cassette(HEADER), check=check)
    with pytest.raises(SecretLeakError):
        dump_cassette(target, _leaky(), check=check)
    assert load_cassette(target).interactions == []  # the old file, untouched
    assert [p.name for p in tmp_path.iterdir()] == ["kept.awsrec"]  # no temporary left


def test_the_record_host_writes_through_the_credentials_scanner(
    moto: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    host = RecordHost(moto, tmp_path / "work")  # not started: finish() of a test without requests
    target = tmp_path / "cassettes" / "empty.awsrec"
    assert host.finish(host.begin(), target) == []
    assert load_cassette(target).header.upstream == f"moto-server {moto}"
    # What it writes is checked against the credentials the recorder signs with.
    with pytest.raises(SecretLeakError, match="SecretAccessKey"):
        dump_cassette(tmp_path / "leak.awsrec", _leaky(), check=host.canaries.lasting.check)
    assert not (tmp_path / "leak.awsrec").exists()
