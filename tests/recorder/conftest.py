"""Recorder fixtures: a real mitmdump child recording from the session's moto server."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

from recorder.launcher import Recorder
from recorder.settings import RecorderSettings

StartRecorder = Callable[..., Recorder]


@pytest.fixture
def start_recorder(moto: str, tmp_path: Path) -> Iterator[StartRecorder]:
    """Start recorders (stopped at teardown) recording from the reset moto server."""
    started: list[Recorder] = []

    def start(**overrides: Any) -> Recorder:
        work = tmp_path / f"recorder-{len(started)}"
        work.mkdir()
        fields: dict[str, Any] = {
            "out": str(tmp_path / "out.awsrec"),
            "upstream": moto,
            "upstream_identity": f"moto-server {moto}",
            "confdir": str(work / "mitmproxy"),
        }
        fields.update(overrides)
        recorder = Recorder(RecorderSettings(**fields), work)
        started.append(recorder)
        return recorder.start()

    yield start
    for recorder in started:
        recorder.stop()


def client(service: str, endpoint: str) -> Any:
    """A real boto3 client for `service` aimed at `endpoint`, without retries."""
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name="us-east-1",
        config=Config(retries={"max_attempts": 1}),
    )
