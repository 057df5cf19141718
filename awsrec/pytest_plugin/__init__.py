"""pytest plugin: --awsrec-* options, the `awsrec` marker and fixtures; one cassette per test.

Loaded into every pytest run of anyone who installs awsrec, so this module imports only
pytest and small awsrec modules; the server (replayer.server.pytest_host), the recorder
(recorder.pytest_host) and boto3 load inside fixtures, as awsrec never imports its sides eagerly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from awsrec.errors import AwsrecError, UsageError
from awsrec.pytest_plugin.environment import client, off_env, record_env, replay_env
from awsrec.pytest_plugin.modes import CHOICES, Action, RecordMode, parse_mode, plan
from awsrec.pytest_plugin.naming import cassette_dir, cassette_path
from awsrec.pytest_plugin.record import _has_new
from awsrec.pytest_plugin.world import AwsrecWorld, NotReplayingError, admin_call

if TYPE_CHECKING:
    from botocore.client import BaseClient

    from recorder.pytest_host import RecordHost
    from replayer.server.pytest_host import ReplayHost

__all__ = ["AwsrecTest", "AwsrecWorld", "NotReplayingError", "RecordMode"]

MARKER = "awsrec"
MARKER_KWARGS = frozenset({"cassette", "strict", "faults"})


@dataclass(frozen=True, slots=True)
class Settings:
    """The --awsrec-* options of this run, validated once."""

    mode: RecordMode
    base_dir: Path | None
    strict: bool
    upstream: str | None
    rootdir: Path


@dataclass(slots=True)
class AwsrecTest:
    """What awsrec does for one test: the plan, its cassette, and whether the test body ran."""

    action: Action
    cassette: Path
    strict: bool
    faults: Path | None
    url: str | None = None
    called: bool = False


_SETTINGS = pytest.StashKey[Settings]()
_TEST = pytest.StashKey[AwsrecTest]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("awsrec", "awsrec: record and replay AWS traffic per test")
    group.addoption(
        "--awsrec-mode",
        default="replay",
        metavar="MODE",
        help="replay (= VCR none, default): serve each test's cassette offline; record (= all): "
        "re-record every cassette; new (= once): record only missing cassettes; new_episodes: "
        "re-record cassettes the test now makes new requests for; off: awsrec does nothing. "
        f"One of: {', '.join(CHOICES)}.",
    )
    group.addoption(
        "--awsrec-dir",
        default=None,
        metavar="DIR",
        help="keep cassettes under DIR/<module path>/ (relative to the rootdir) instead of "
        "cassettes/<module>/ next to each test module",
    )
    group.addoption(
        "--awsrec-strict",
        action="store_true",
        default=False,
        help="replay strictly: every request must match the next recorded one, else the test "
        "fails naming the nearest recorded request and the differing fields",
    )
    group.addoption(
        "--awsrec-upstream",
        default=None,
        metavar="URL",
        help="record from this S3/DynamoDB/Lambda-compatible endpoint instead of real AWS",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(cassette=None, strict=None, faults=None): record/replay this test's AWS "
        "traffic; cassette names the file (default: the test's name), strict overrides "
        "--awsrec-strict, faults is a fault rules file applied in replay.",
    )
    try:
        mode = parse_mode(str(config.getoption("awsrec_mode")))
    except UsageError as e:
        raise pytest.UsageError(str(e)) from e
    base = config.getoption("awsrec_dir")
    upstream = config.getoption("awsrec_upstream")
    config.stash[_SETTINGS] = Settings(
        mode=mode,
        base_dir=config.rootpath / base if base else None,
        strict=bool(config.getoption("awsrec_strict")),
        upstream=str(upstream).rstrip("/") if upstream else None,
        rootdir=config.rootpath,
    )


class _Hosts:
    """The session's replay server and recorder, each started on first use."""

    def __init__(self, settings: Settings, tmp: pytest.TempPathFactory) -> None:
        self.settings = settings
        self._tmp = tmp
        self._replay: ReplayHost | None = None
        self._record: RecordHost | None = None
        self._record_error: str | None = None

    def replay(self) -> ReplayHost:
        if self._replay is None:
            from replayer.server.pytest_host import ReplayHost

            self._replay = ReplayHost().start()
        return self._replay

    def record(self) -> RecordHost:
        if self._record_error is not None:  # fail every recording test fast, the same way
            pytest.fail(self._record_error, pytrace=False)
        if self._record is None:
            from recorder.pytest_host import RecordHost

            try:
                host = RecordHost(self.settings.upstream, self._tmp.mktemp("awsrec-record"))
                self._record = host.start()
            except AwsrecError as e:
                self._record_error = f"awsrec cannot record: {e}"
                pytest.fail(self._record_error, pytrace=False)
        return self._record

    def stop(self) -> None:
        if self._replay is not None:
            self._replay.stop()
        if self._record is not None:
            self._record.stop()


@pytest.fixture(scope="session")
def _awsrec_hosts(
    pytestconfig: pytest.Config, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[_Hosts]:
    hosts = _Hosts(pytestconfig.stash[_SETTINGS], tmp_path_factory)
    yield hosts
    hosts.stop()


def _marker_options(item: pytest.Item) -> tuple[str | None, bool | None, Path | None]:
    """(cassette, strict, faults) from the closest `awsrec` marker; faults made absolute."""
    marker = item.get_closest_marker(MARKER)
    if marker is None:
        return None, None, None
    unknown = sorted(set(marker.kwargs) - MARKER_KWARGS)
    if unknown or len(marker.args) > 1:
        pytest.fail(
            f"@pytest.mark.{MARKER} takes cassette=, strict= and faults= (got {unknown or 'args'})",
            pytrace=False,
        )
    name = marker.kwargs.get("cassette", marker.args[0] if marker.args else None)
    strict = marker.kwargs.get("strict")
    faults = marker.kwargs.get("faults")
    return (
        str(name) if name is not None else None,
        bool(strict) if strict is not None else None,
        item.path.parent / str(faults) if faults is not None else None,
    )


def _plan_test(item: pytest.Item, settings: Settings) -> AwsrecTest:
    """Which cassette the test uses and what this run does with it."""
    name, strict, faults = _marker_options(item)
    directory = cassette_dir(item.path, settings.rootdir, settings.base_dir)
    cassette = cassette_path(directory, item.nodeid, name)
    return AwsrecTest(
        action=plan(settings.mode, cassette.exists()),
        cassette=cassette,
        strict=settings.strict if strict is None else strict,
        faults=faults,
    )


def _shown(path: Path, rootdir: Path) -> str:
    try:
        return str(path.relative_to(rootdir))
    except ValueError:
        return str(path)


@pytest.fixture
def awsrec_endpoint(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, _awsrec_hosts: _Hosts
) -> Iterator[str | None]:
    """The URL this test's SDK talks to (also set as AWS_ENDPOINT_URL for the test).

    Replay: the session's replay server serving this test's cassette, with dummy credentials
    and every real one removed from the environment. Record: the session's recorder. Off: the
    --awsrec-upstream URL, or None (the SDK's own endpoints).
    """
    item = request.node
    assert isinstance(item, pytest.Item)
    settings = _awsrec_hosts.settings
    test = _plan_test(item, settings)
    item.stash[_TEST] = test
    if test.action is Action.OFF:
        off_env(monkeypatch, settings.upstream)
        yield settings.upstream
    elif test.action is Action.MISSING:
        pytest.fail(
            f"awsrec: no cassette {_shown(test.cassette, settings.rootdir)} for this test; "
            "record it with `pytest --awsrec-mode=new` (records missing cassettes only)",
            pytrace=False,
        )
    elif test.action is Action.REPLAY:
        yield from _replay(test, _awsrec_hosts.replay(), monkeypatch)
    else:
        yield from _record(test, _awsrec_hosts.record(), monkeypatch, settings.rootdir)


def _replay(test: AwsrecTest, host: ReplayHost, mp: pytest.MonkeyPatch) -> Iterator[str]:
    try:
        region = host.load(test.cassette, test.strict, test.faults)
    except AwsrecError as e:
        pytest.fail(f"awsrec cannot replay {test.cassette}: {e}", pytrace=False)
    test.url = host.url
    replay_env(mp, host.url, region)
    try:
        yield host.url
    finally:
        host.unload()


def _record(
    test: AwsrecTest, host: RecordHost, mp: pytest.MonkeyPatch, rootdir: Path
) -> Iterator[str]:
    tag = host.begin()
    record_env(mp, host.url, tag)
    yield host.url
    if not test.called:
        return  # setup failed before the test ran: leave the cassette as it was
    problems = host.finish(tag, test.cassette, _has_new if test.action is Action.EPISODES else None)
    if problems:
        shown = _shown(test.cassette, rootdir)
        pytest.fail(f"awsrec did not write {shown}: " + "; ".join(problems), pytrace=False)


@pytest.fixture(autouse=True)
def _awsrec_marker(request: pytest.FixtureRequest) -> None:
    """A test marked `@pytest.mark.awsrec` gets awsrec_endpoint without asking for it."""
    if request.node.get_closest_marker(MARKER) is not None:
        request.getfixturevalue("awsrec_endpoint")


@pytest.fixture
def awsrec_client(awsrec_endpoint: str | None) -> Callable[..., BaseClient]:
    """A factory: `awsrec_client("s3", **boto3_kwargs)` is a boto3 client bound to awsrec."""

    def make(service: str, **kwargs: object) -> BaseClient:
        return client(service, awsrec_endpoint, **kwargs)

    return make


@pytest.fixture
def awsrec_world(request: pytest.FixtureRequest, awsrec_endpoint: str | None) -> AwsrecWorld:
    """The replayed world of this test: reset(), state(), journal(), unmatched()."""
    test = request.node.stash[_TEST]
    if test.action is Action.REPLAY:
        return AwsrecWorld(test.url)
    return AwsrecWorld(None, f"this test does not replay (awsrec action: {test.action.value})")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """Mark the test as run; in strict replay, fail it on any request the cassette lacks."""
    test = item.stash.get(_TEST, None)
    if test is None:
        return (yield)
    test.called = True
    if test.action is not Action.REPLAY or not test.strict or test.url is None:
        return (yield)
    try:
        result = yield
    except Exception as exc:
        _raise_unmatched(test, exc)
        raise
    _raise_unmatched(test, None)
    return result


def _raise_unmatched(test: AwsrecTest, cause: Exception | None) -> None:
    """AssertionError listing strict replay's mismatches (each with its nearest recording)."""
    __tracebackhide__ = True
    assert test.url is not None
    found = admin_call(test.url, "GET", "unmatched")
    if not isinstance(found, list) or not found:
        return
    lines = [f"awsrec strict replay: {len(found)} request(s) not in {test.cassette.name}:"]
    for n, entry in enumerate(found, 1):
        lines.append(f"  {n}. {entry.get('message', entry) if isinstance(entry, dict) else entry}")
    lines.append("Re-record this test with --awsrec-mode=record if the change is intended.")
    raise AssertionError("\n".join(lines)) from cause
