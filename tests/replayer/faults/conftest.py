"""Fault fixtures: awsrec servers started with a rules file, and boto3 clients that retry."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from itertools import count
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

from replayer.server.run import BackgroundServer
from tests.replayer.conftest import CREDENTIALS, REGION, ServeFactory, admin

Faulty = Callable[..., BackgroundServer]


@pytest.fixture
def faulty(serve_factory: ServeFactory, tmp_path: Path) -> Faulty:
    """Start a server with `--faults` set to the given YAML text: `faulty(rules, **fields)`."""
    numbers = count(1)

    def start(rules: str, suffix: str = ".yaml", **fields: Any) -> BackgroundServer:
        path = tmp_path / f"faults-{next(numbers)}{suffix}"
        path.write_text(textwrap.dedent(rules), encoding="utf-8")
        return serve_factory(faults_file=path, **fields)

    return start


def boto(service: str, url: str, attempts: int = 1, **config: Any) -> Any:
    """A boto3 client making at most `attempts` attempts per call (standard retry mode).

    botocore's `max_attempts` counts retries, not attempts; `total_max_attempts` is the total.
    """
    if service == "s3":
        config.setdefault("s3", {"addressing_style": "path"})
    retries = {"total_max_attempts": attempts, "mode": "standard"}
    cfg = Config(retries=retries, **config)  # type: ignore[arg-type]
    return boto3.client(service, endpoint_url=url, region_name=REGION, config=cfg, **CREDENTIALS)


def injected(url: str) -> list[tuple[str, list[str]]]:
    """(operation, fault rule ids) of every request in the server's journal, in order."""
    status, journal = admin(url, "journal")
    assert status == 200
    return [(entry["operation"], entry["faults"]) for entry in journal]
