"""Settings, naming and the child's environment: the typed pieces around the proxy."""

from __future__ import annotations

from pathlib import Path

import pytest

from recorder.errors import RecorderError
from recorder.settings import RecorderSettings, UpstreamCredentials
from recorder.sink import cassette_file
from recorder.upstream import identify
from tests.recorder.conftest import StartRecorder, client

SECRET = "SECRETNOTONDISK0do0not0write0abcdefABCDEF"
TOKEN = "TOKENNOTONDISK0session0token0zyxwvu0987654321"
CANARY = "CANARYNOTONDISK0hunter2hunter2"


def test_settings_round_trip_through_json() -> None:
    settings = RecorderSettings(
        out="/tmp/x.awsrec",
        mode="proxy",
        upstream="http://127.0.0.1:1",
        upstream_credentials=UpstreamCredentials("AKID", "SECRET", "TOKEN"),
        split_by="header",
        canaries={"db password": "hunter2hunter2"},
    )
    assert RecorderSettings.from_json(settings.to_json()) == settings


def test_no_file_holds_the_upstream_credentials_while_recording(
    start_recorder: StartRecorder, tmp_path: Path
) -> None:
    # kill -9 would leave such a file behind in the temporary work directory.
    creds = UpstreamCredentials("AKIDNOTONDISK0000001", SECRET, TOKEN)
    canaries = {"db password": CANARY}
    recorder = start_recorder(upstream_credentials=creds, canaries=canaries, offload=True)
    client("s3", recorder.url).list_buckets()  # both children run, and have read the settings
    # The work directory (mitmproxy's CA) and the output, as the recorder left them so far.
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert recorder.ca_file in files
    for path in files:
        data = path.read_bytes()
        for value in (SECRET, TOKEN, CANARY):
            assert value.encode() not in data, f"{value} in {path}"
    # Nor on the child's command line, which every user of the machine can read.
    cmdline = Path(f"/proc/{recorder.pid}/cmdline").read_bytes()
    assert SECRET.encode() not in cmdline
    assert recorder.stop() == 0
    assert dict(recorder.counts) == {"s3": 1}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("AKID:SECRET", UpstreamCredentials("AKID", "SECRET")),
        ("AKID:SECRET:TOK:EN", UpstreamCredentials("AKID", "SECRET", "TOK:EN")),
    ],
)
def test_upstream_credentials_parse(text: str, expected: UpstreamCredentials) -> None:
    assert UpstreamCredentials.parse(text) == expected


@pytest.mark.parametrize("text", ["AKID", ":SECRET", "AKID:"])
def test_malformed_upstream_credentials_are_a_usage_error(text: str) -> None:
    with pytest.raises(RecorderError, match="KEY:SECRET") as info:
        UpstreamCredentials.parse(text)
    assert info.value.exit_code == 2


def test_unknown_mode_is_a_usage_error() -> None:
    with pytest.raises(RecorderError, match="--mode") as info:
        RecorderSettings(out="x", mode="transparent")  # type: ignore[arg-type]
    assert info.value.exit_code == 2


@pytest.mark.parametrize(
    ("name", "relative"),
    [
        ("login", "login.awsrec"),
        ("tests/test_s3.py::test_put[a b]", "tests/test_s3.py--test_put_a_b_.awsrec"),
        ("../../etc/passwd", "etc/passwd.awsrec"),
        ("", "default.awsrec"),
        ("done.awsrec", "done.awsrec"),
    ],
)
def test_cassette_names_stay_inside_the_out_directory(name: str, relative: str) -> None:
    assert cassette_file(Path("/out"), name) == Path("/out") / relative


def test_upstream_identity(moto: str) -> None:
    assert identify(None) == "aws"
    assert identify(moto) == f"moto-server {moto}"
    assert identify(moto + "/nothing-here") == moto + "/nothing-here"
