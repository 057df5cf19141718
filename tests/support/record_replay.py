"""Record-then-replay scaffolding: a workload child that captures raw responses, compared."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import tempfile
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from awsrec.cassette import Interaction, Response, load_cassette
from awsrec.normalize import Normaliser
from tests.recorder.helpers import awsrec_record, child_env
from tests.replayer.conftest import admin
from tests.support.servers import reset_moto

# Put before a workload body: it registers `on_parse` on its clients, so every raw response
# it parsed lands in `captured`; `expect_error` checks a call fails with the given code.
CAPTURE_PRELUDE = r"""
import base64, io, json, os, zipfile
import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

captured = []

def on_parse(operation_model, response_dict, **_):
    body = response_dict["body"]
    captured.append({
        "operation": operation_model.name,
        "status": response_dict["status_code"],
        "headers": list(response_dict["headers"].items()),
        "body": base64.b64encode(body if isinstance(body, bytes) else b"").decode(),
    })

def expect_error(code, call, **kw):
    try:
        call(**kw)
    except ClientError as e:
        assert e.response["Error"]["Code"] == code, e.response
        return e.response
    raise AssertionError(f"{call} succeeded")
"""
# Put after a workload body: the capture goes to $WL_CAPTURE for the test to read.
CAPTURE_END = r"""
with open(os.environ["WL_CAPTURE"], "w") as f:
    json.dump(captured, f)
print("workload ok")
"""

Comparable = Callable[[Response, str, Normaliser], dict[str, Any]]
Names = Mapping[str, str]


@dataclass
class Recording:
    path: Path
    interactions: list[Interaction]


@dataclass(frozen=True)
class Workload:
    """A workload body, the operations it sends, and the WL_* environment for a set of names."""

    body: str
    operations: list[str]
    env: Callable[[Names], dict[str, str]]

    def run(self, tmp: Path, names: Names, endpoint: str, **extra: str) -> list[dict[str, Any]]:
        """Run against `endpoint` (e.g. a serve URL) with these names; the capture."""
        return run_workload(tmp, self.body, AWS_ENDPOINT_URL=endpoint, **self.env(names), **extra)

    def record(self, moto_url: str, tmp: Path, names: Names, **extra: str) -> Recording:
        """Record from moto (already prepared) into tmp/workload.awsrec; every operation sent."""
        out = tmp / "workload.awsrec"
        args = ["--out", str(out), "--upstream", moto_url]
        run_workload(tmp, self.body, args, **self.env(names), **extra)
        interactions = load_cassette(out).interactions
        assert [i.operation for i in interactions] == self.operations
        return Recording(out, interactions)


def run_workload(
    tmp: Path, body: str, record_args: Sequence[str] = (), **env: str
) -> list[dict[str, Any]]:
    """Run a workload body as a child; its capture.

    With `record_args` the child runs under `awsrec record ARGS --`; `env` adds WL_* values
    (and AWS_ENDPOINT_URL to point it at a server).
    """
    script = tmp / "workload.py"
    script.write_text(CAPTURE_PRELUDE + body + CAPTURE_END, encoding="utf-8")
    fd, name = tempfile.mkstemp(prefix="capture-", suffix=".json", dir=tmp)
    os.close(fd)
    capture = Path(name)
    child = child_env(tmp, WL_CAPTURE=str(capture), **env)
    if record_args:
        done = awsrec_record([*record_args, "--", sys.executable, str(script)], child, tmp)
    else:
        cmd = [sys.executable, str(script)]
        done = subprocess.run(cmd, env=child, cwd=tmp, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "workload ok" in done.stdout
    captured: list[dict[str, Any]] = json.loads(capture.read_text())
    return captured


def moto_without_docker(url: str) -> None:
    """Reset moto and have it answer Lambda's Invoke itself (with the payload: an echo)."""
    reset_moto(url)
    config = json.dumps({"lambda": {"use_docker": False}}).encode()
    req = urllib.request.Request(f"{url}/moto-api/config", data=config, method="POST")
    with urllib.request.urlopen(req, timeout=10):
        pass


def live(captured: dict[str, Any]) -> Response:
    """A captured raw response as a cassette Response."""
    body = base64.b64decode(captured["body"])
    return Response(captured["status"], [(k, v) for k, v in captured["headers"]], body)


def sources(captured: list[dict[str, Any]]) -> list[str]:
    """The x-awsrec-source of every captured response."""
    return [dict((k.lower(), v) for k, v in c["headers"])["x-awsrec-source"] for c in captured]


def flatten(doc: Any, at: str = "") -> dict[str, Any]:
    """{"a.b.0.c": leaf} for a parsed JSON body, so fields can be compared one by one."""
    if isinstance(doc, dict) and doc:
        out: dict[str, Any] = {}
        for k, v in doc.items():
            out.update(flatten(v, f"{at}.{k}" if at else k))
        return out
    if isinstance(doc, list) and doc and not all(isinstance(x, str) for x in doc):
        out = {}
        for i, v in enumerate(doc):
            out.update(flatten(v, f"{at}.{i}"))
        return out
    return {at: doc}


def assert_strict_replay(
    url: str,
    recording: Recording,
    captured: list[dict[str, Any]],
    comparable: Comparable,
    recorded: Comparable | None = None,
) -> None:
    """A strict-mode replay at `url` answered every request like the recording.

    Nothing unmatched, the recorded operations in order, each answer equal to its recording
    once both are made comparable (`recorded`, default `comparable`, for the recorded side),
    and every answer's form taken from the recording.
    """
    assert admin(url, "unmatched") == (200, [])
    assert [c["operation"] for c in captured] == [i.operation for i in recording.interactions]
    diffs = strict_diffs(recording, captured, comparable, recorded)
    assert not diffs, "\n".join(map(str, diffs))
    assert sources(captured) == ["recording"] * len(captured)


def strict_diffs(
    recording: Recording,
    captured: list[dict[str, Any]],
    comparable: Comparable,
    recorded: Comparable | None = None,
) -> list[tuple[int, str, dict[str, Any], dict[str, Any]]]:
    """(seq, operation, got, want) for each live answer unlike its recording.

    Each side is normalised by its own Normaliser; `recorded` (default `comparable`) makes
    the recorded side comparable.
    """
    want_of = recorded or comparable
    recorded_side, live_side = Normaliser(), Normaliser()
    diffs = []
    for rec, answer in zip(recording.interactions, captured, strict=True):
        want = want_of(rec.response, rec.operation, recorded_side)
        got = comparable(live(answer), rec.operation, live_side)
        if got != want:
            diffs.append((rec.seq, rec.operation, got, want))
    return diffs
