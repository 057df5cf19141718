"""Diff-engine fixtures: cassettes recorded from a fresh moto server through a capturing proxy."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.replayer.diff.scenario import dynamodb_traffic, prepare_fixtures, record, s3_traffic
from tests.support.servers import reset_moto


@pytest.fixture
def cassettes(moto: str, tmp_path: Path) -> Path:
    """A directory with an S3 and a DynamoDB cassette recorded from moto; moto reset after."""
    out = tmp_path / "cassettes"
    out.mkdir()
    prepare_fixtures(moto)
    record(moto, out / "s3.awsrec", s3_traffic)
    record(moto, out / "dynamodb.awsrec", dynamodb_traffic)
    # The target starts empty: everything the replay needs must come from W0 seeding.
    reset_moto(moto)
    return out
