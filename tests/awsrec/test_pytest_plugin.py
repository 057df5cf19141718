"""The pytest plugin end to end: pytester runs small boto3 test files in every mode.

Recording goes through the plugin's real recorder (a mitmdump child) to the session's moto
server (a stand-in upstream); replay runs with no upstream at all, and moto is checked
afterwards to have seen nothing.
"""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest

from awsrec.cassette import load_cassette
from tests.support.servers import reset_moto

pytest_plugins = ["pytester"]

# Plugins the inner runs do not need (hypothesis imports itself at the end of every run).
BASE = ("-p", "no:benchmark", "-p", "no:cacheprovider", "-p", "no:hypothesispytest", "-q")

S3_TEST = """
import pytest

def test_s3(awsrec_client):
    s3 = awsrec_client("s3")
    s3.create_bucket(Bucket="plug-bucket")
    s3.put_object(Bucket="plug-bucket", Key="KEY", Body=b"hello")
    assert s3.get_object(Bucket="plug-bucket", Key="KEY")["Body"].read() == b"hello"
"""

WORLD_TEST = """
import json
from awsrec.pytest_plugin import NotReplayingError

def test_world(awsrec_client, awsrec_world):
    s3 = awsrec_client("s3")
    s3.create_bucket(Bucket="world-bucket")
    s3.put_object(Bucket="world-bucket", Key="k", Body=b"v")
    if not awsrec_world.replaying:
        with pytest.raises(NotReplayingError, match="does not replay"):
            awsrec_world.state()
        return
    ops = [(e["operation"], e["status"]) for e in awsrec_world.journal()]
    assert ops == [("CreateBucket", 200), ("PutObject", 200)]
    assert "world-bucket" in json.dumps(awsrec_world.state())
    awsrec_world.reset()
    assert awsrec_world.journal() == []
    assert "world-bucket" not in json.dumps(awsrec_world.state())
    assert awsrec_world.unmatched() == []
"""

# Fault rules as replayer.server.faults reads them: S3's throttling error on PutObject.
SLOWDOWN = """\
rules:
  - match: {service: s3, operation: PutObject}
    do: {error: {code: SlowDown}}
"""


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest_inprocess(*BASE, *args)


def record(pytester: pytest.Pytester, moto: str, *args: str) -> pytest.RunResult:
    return run(pytester, "--awsrec-mode=record", f"--awsrec-upstream={moto}", *args)


def operations(path: Path) -> list[str]:
    return [i.operation for i in load_cassette(path).interactions]


def moto_buckets(moto: str) -> list[str]:
    s3 = boto3.client("s3", endpoint_url=moto, region_name="us-east-1")
    return [b["Name"] for b in s3.list_buckets()["Buckets"]]


def test_record_then_replay_offline_with_real_credentials_removed(
    pytester: pytest.Pytester, moto: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(
        test_flow=S3_TEST
        + """
import os
import boto3

@pytest.mark.awsrec
def test_default_session_and_env(awsrec_world):
    # No fixture asked for: the marker alone routes boto3's default session through awsrec.
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket="marker-bucket")
    assert "marker-bucket" in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    if awsrec_world.replaying:
        assert os.environ["AWS_ACCESS_KEY_ID"] != "real-looking-key"
        assert "AWS_SESSION_TOKEN" not in os.environ and "AWS_PROFILE" not in os.environ
        assert os.environ["AWS_CONFIG_FILE"] == os.devnull

@pytest.mark.awsrec(cassette="shared/named")
def test_named(awsrec_client):
    awsrec_client("s3").create_bucket(Bucket="named-bucket")

@pytest.mark.awsrec(faults="slowdown.yaml")
def test_faults_apply_in_replay_only(awsrec_client, awsrec_world):
    from botocore.config import Config
    s3 = awsrec_client("s3", config=Config(retries={"max_attempts": 1}))
    s3.create_bucket(Bucket="fault-bucket")
    if not awsrec_world.replaying:
        s3.put_object(Bucket="fault-bucket", Key="k", Body=b"v")
        return
    with pytest.raises(s3.exceptions.ClientError, match="SlowDown"):
        s3.put_object(Bucket="fault-bucket", Key="k", Body=b"v")
"""
        + WORLD_TEST
    )
    pytester.makefile(".yaml", slowdown=SLOWDOWN)
    record(pytester, moto).assert_outcomes(passed=5)
    cassettes = pytester.path / "cassettes" / "test_flow"
    assert operations(cassettes / "test_s3.awsrec") == ["CreateBucket", "PutObject", "GetObject"]
    marker = load_cassette(cassettes / "test_default_session_and_env.awsrec")
    assert [i.operation for i in marker.interactions] == ["CreateBucket", "ListBuckets"]
    assert marker.header.upstream == f"moto-server {moto}"
    assert operations(cassettes / "shared" / "named.awsrec") == ["CreateBucket"]

    reset_moto(moto)
    # Real-looking credentials in the environment must never be used by a replayed test.
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "real-looking-key")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "real-looking-token")
    monkeypatch.setenv("AWS_PROFILE", "prod")
    run(pytester).assert_outcomes(passed=5)
    run(pytester, "--awsrec-strict").assert_outcomes(passed=5)
    monkeypatch.delenv("AWS_PROFILE")
    assert moto_buckets(moto) == []  # replay never reached the upstream


def test_strict_replay_fails_on_drift_naming_the_nearest_recording(
    pytester: pytest.Pytester, moto: str
) -> None:
    pytester.makepyfile(test_drift=S3_TEST)
    record(pytester, moto).assert_outcomes(passed=1)
    drifted = S3_TEST.replace('Key="KEY", Body', 'Key="OTHER", Body').replace(
        'Key="KEY")["Body"]', 'Key="OTHER")["Body"]'
    )
    pytester.makepyfile(test_drift=drifted)

    # Without strict, the stateful server answers the new request from its model.
    run(pytester).assert_outcomes(passed=1)
    result = run(pytester, "--awsrec-strict")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*AssertionError: awsrec strict replay: 1 request(s) not in test_s3.awsrec:",
            "*1. PUT /plug-bucket/OTHER (s3 PutObject) does not match the next recorded "
            "interaction; nearest recorded is #1 in test_s3.awsrec: PUT /plug-bucket/KEY "
            "(s3 PutObject), differing in path.",
        ]
    )

    # strict=True on the marker, and a test that catches the error still fails.
    pytester.makepyfile(
        test_drift="""
import pytest
from botocore.exceptions import ClientError

@pytest.mark.awsrec(strict=True)
def test_s3(awsrec_client):
    s3 = awsrec_client("s3")
    s3.create_bucket(Bucket="plug-bucket")
    with pytest.raises(ClientError):
        s3.delete_bucket(Bucket="plug-bucket")
"""
    )
    result = run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*1. DELETE /plug-bucket (s3 DeleteBucket) does not match the next recorded "
            "interaction; nearest recorded is #2 in test_s3.awsrec: GET /plug-bucket/KEY "
            "(s3 GetObject), differing in operation, method, path."
        ]
    )


def test_new_mode_records_missing_cassettes_and_replays_the_rest(
    pytester: pytest.Pytester, moto: str
) -> None:
    pytester.makepyfile(
        test_new=S3_TEST
        + """
def test_other(awsrec_client):
    awsrec_client("s3").create_bucket(Bucket="other-bucket")
"""
    )
    record(pytester, moto, "-k", "test_s3", "--awsrec-dir=recs").assert_outcomes(passed=1)
    kept = pytester.path / "recs" / "test_new" / "test_s3.awsrec"
    before = kept.read_bytes()
    reset_moto(moto)

    args = ("--awsrec-mode=new", f"--awsrec-upstream={moto}", "--awsrec-dir=recs")
    run(pytester, *args).assert_outcomes(passed=2)
    assert kept.read_bytes() == before
    assert operations(kept.with_name("test_other.awsrec")) == ["CreateBucket"]
    assert moto_buckets(moto) == ["other-bucket"]  # test_s3 was replayed, not sent


def test_replay_without_a_cassette_fails_with_the_command_to_record_it(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_missing=S3_TEST)
    result = run(pytester)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["*awsrec: no cassette cassettes/test_missing/test_s3.awsrec*--awsrec-mode=new*"]
    )


def test_new_episodes_rewrites_only_cassettes_with_new_requests(
    pytester: pytest.Pytester, moto: str
) -> None:
    pytester.makepyfile(
        test_episodes=S3_TEST
        + """
def test_list(awsrec_client):
    awsrec_client("s3").list_buckets()
"""
    )
    record(pytester, moto).assert_outcomes(passed=2)
    folder = pytester.path / "cassettes" / "test_episodes"
    s3_before = (folder / "test_s3.awsrec").read_bytes()
    list_before = (folder / "test_list.awsrec").read_bytes()
    pytester.makepyfile(
        test_episodes=S3_TEST
        + """
def test_list(awsrec_client):
    s3 = awsrec_client("s3")
    s3.list_buckets()
    s3.create_bucket(Bucket="new-episode")
"""
    )
    reset_moto(moto)
    args = ("--awsrec-mode=new_episodes", f"--awsrec-upstream={moto}")
    run(pytester, *args).assert_outcomes(passed=2)
    assert (folder / "test_s3.awsrec").read_bytes() == s3_before
    assert (folder / "test_list.awsrec").read_bytes() != list_before
    assert operations(folder / "test_list.awsrec") == ["ListBuckets", "CreateBucket"]


def test_off_mode_talks_to_the_upstream_and_writes_nothing(
    pytester: pytest.Pytester, moto: str
) -> None:
    pytester.makepyfile(test_off=S3_TEST)
    run(pytester, "--awsrec-mode=off", f"--awsrec-upstream={moto}").assert_outcomes(passed=1)
    assert not (pytester.path / "cassettes").exists()
    assert moto_buckets(moto) == ["plug-bucket"]


def test_requests_from_an_unknown_session_are_reported_not_misfiled_silently(
    pytester: pytest.Pytester, moto: str
) -> None:
    pytester.makepyfile(
        test_stray=S3_TEST
        + """
import os
import boto3

@pytest.mark.awsrec
def test_own_session():
    own = boto3.session.Session().client("s3", endpoint_url=os.environ["AWS_ENDPOINT_URL"])
    own.create_bucket(Bucket="stray-bucket")
"""
    )
    result = record(pytester, moto)
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*awsrec did not write*test_own_session.awsrec*did not create*"])
    assert not (pytester.path / "cassettes" / "test_stray" / "test_own_session.awsrec").exists()


def test_an_unknown_mode_is_a_usage_error_listing_the_modes(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_any="def test_any():\n    pass\n")
    result = run(pytester, "--awsrec-mode=sometimes")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*'sometimes' is not a record mode; use one of replay, record*"])
