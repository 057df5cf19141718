"""Diff-engine fixtures: cassettes recorded once per session from moto by the real recorder."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.replayer.diff.e2e import record_e2e
from tests.replayer.diff.scenario import dynamodb_traffic, prepare_fixtures, record, s3_traffic
from tests.support.servers import reset_moto


@pytest.fixture(scope="session")
def recorded(moto_url: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory with an S3 and a DynamoDB cassette recorded from moto."""
    out = tmp_path_factory.mktemp("recorded") / "cassettes"
    reset_moto(moto_url)
    prepare_fixtures(moto_url)
    record(moto_url, out, s3_traffic, dynamodb_traffic)
    return out


@pytest.fixture
def cassettes(recorded: Path, moto: str) -> Path:
    """The recorded cassettes, with moto reset: everything a replay needs must come from W0."""
    return recorded


@pytest.fixture(scope="session")
def e2e_cassette(moto_url: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cassette recorded by `awsrec record -- python workload.py` (tests/replayer/diff/e2e.py)."""
    return record_e2e(moto_url, tmp_path_factory.mktemp("e2e"))
