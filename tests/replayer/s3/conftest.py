"""S3 model fixtures: every test runs against the memory and the directory backend."""

from __future__ import annotations

from typing import Any

import pytest

from tests.replayer.conftest import error_of as error_of  # re-exported for the S3 tests
from tests.replayer.conftest import s3_client


@pytest.fixture(params=["memory", "directory"])
def url(request: pytest.FixtureRequest) -> str:
    """URL of an awsrec server in W0 (empty), once per state backend."""
    name = "served" if request.param == "memory" else "served_dir"
    return str(request.getfixturevalue(name))


@pytest.fixture
def s3(url: str) -> Any:
    return s3_client(url)


@pytest.fixture
def bucket(s3: Any) -> str:
    s3.create_bucket(Bucket="bkt")
    return "bkt"
