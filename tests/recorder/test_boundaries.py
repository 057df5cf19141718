"""botocore's internals stay in awsrec/aws/botocore_adapter/; its replacements behave alike."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from awsrec.aws import botocore_adapter
from recorder.credentials import CredentialSource
from recorder.settings import UpstreamCredentials
from replayer.state.lambda_.validate import runtime_enum
from tests.recorder.helpers import ROOT

ADAPTER = ROOT / "awsrec" / "aws" / "botocore_adapter"
# botocore's documented public surface; everything else is an internal the adapter wraps.
PUBLIC = {"botocore", "botocore.client", "botocore.config", "botocore.exceptions"}
PACKAGES = ("awsrec", "recorder", "replayer", "scenarios")


def _botocore_imports(path: Path) -> list[tuple[str, str]]:
    """(file:line, module) of every botocore module `path` imports."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules = [node.module]
        else:
            continue
        where = f"{path.relative_to(ROOT)}:{node.lineno}"
        found += [(where, m) for m in modules if m.split(".")[0] == "botocore"]
    return found


def test_no_botocore_internals_outside_the_adapter() -> None:
    offending = [
        f"{where}: {module}"
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if ADAPTER not in path.parents
        for where, module in _botocore_imports(path)
        if module not in PUBLIC
    ]
    assert offending == []


def test_enum_values_are_the_models() -> None:
    shape = botocore_adapter.service_model("lambda").shape_for("Runtime")
    assert botocore_adapter.enum_values("lambda", "Runtime") == tuple(shape.enum)
    assert runtime_enum() == tuple(shape.enum)
    assert "python3.13" in runtime_enum()


def test_default_credentials_follow_the_standard_chain(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The environment first (the autouse fixture sets AWS_ACCESS_KEY_ID=testing) ...
    found = CredentialSource(None).get()
    assert (found.access_key, found.secret_key, found.session_token) == ("testing", "testing", None)
    # ... then the shared credentials file's profile.
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    credentials = tmp_path / "credentials"
    credentials.write_text(
        "[default]\naws_access_key_id = AKIDFROMPROFILE\naws_secret_access_key = from-profile\n"
        "aws_session_token = token-from-profile\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    found = CredentialSource(None).get()
    assert found == UpstreamCredentials("AKIDFROMPROFILE", "from-profile", "token-from-profile")
