"""The README's worked example, run as written: a multipart upload survives 10% 503s."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import pytest

from tests.replayer.conftest import admin
from tests.replayer.faults.conftest import Faulty, boto, injected

README = Path(__file__).resolve().parents[3] / "README.md"


def example_blocks() -> dict[str, str]:
    """The fenced yaml and python blocks of the README's fault injection section."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## Fault injection", 1)[1].split("\n## ", 1)[0]
    return {lang: body for lang, body in re.findall(r"```(\w+)\n(.*?)```", section, re.S)}


def test_multipart_upload_survives_ten_percent_slowdowns(
    faulty: Faulty, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocks = example_blocks()
    server = faulty(blocks["yaml"])
    data = os.urandom(30 * 1024 * 1024)
    (tmp_path / "big.bin").write_bytes(data)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("AWS_ENDPOINT_URL", server.url)
    exec(compile(blocks["python"], "README.md (upload.py)", "exec"), {})
    stored = boto("s3", server.url).get_object(Bucket="uploads", Key="big.bin")["Body"].read()
    assert hashlib.sha256(stored).digest() == hashlib.sha256(data).digest()
    rule = admin(server.url, "faults")[1]["rules"][0]
    assert (rule["matched"], rule["fired"]) == (10, 2)  # as the README says
    failed = [op for op, ids in injected(server.url) if ids == ["slowdown-10pc"]]
    assert len(failed) == 2
