"""botocore's service model files, found and read as botocore's Loader does."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path
from typing import Any

from awsrec.errors import AwsrecError


class BotocoreAdapterError(AwsrecError):
    """botocore could not do what awsrec asked of it (unknown service, bad parameters...)."""


def _search_paths() -> list[Path]:
    """AWS_DATA_PATH entries, then ~/.aws/models, then botocore's own data directory.

    The order of botocore.loaders.Loader with a session's `data_path` (AWS_DATA_PATH).
    """
    import botocore  # the package's __init__ only: logging, os, re

    paths = [
        Path(os.path.expanduser(os.path.expandvars(p)))
        for p in os.environ.get("AWS_DATA_PATH", "").split(os.pathsep)
        if p
    ]
    paths.append(Path.home() / ".aws" / "models")
    paths.append(Path(botocore.__file__).parent / "data")
    return [p for p in paths if p.is_dir()]


def _json_file(base: Path) -> Path | None:
    """`base`.json or `base`.json.gz, as botocore's JSONFileLoader tries them."""
    for ext in (".json", ".json.gz"):
        path = base.with_name(base.name + ext)
        if path.is_file():
            return path
    return None


def _read_json(path: Path) -> dict[str, Any]:
    raw = path.read_bytes()
    if path.suffix == ".gz":
        raw = gzip.decompress(raw)
    doc = json.loads(raw)
    if not isinstance(doc, dict):
        raise BotocoreAdapterError(f"{path} is not a JSON object")
    return doc


def model_file(service: str) -> Path:
    """The service-2 model file of `service` at its latest API version, as botocore picks it.

    The latest version is the greatest across all search paths; the file is taken from the
    first search path that has it.
    """
    roots = _search_paths()
    versions = {
        version.name
        for root in roots
        if (root / service).is_dir()
        for version in (root / service).iterdir()
        if _json_file(version / "service-2") is not None
    }
    if not versions:
        raise BotocoreAdapterError(f"unknown AWS service {service!r}")
    latest = max(versions)
    for root in roots:
        found = _json_file(root / service / latest / "service-2")
        if found is not None:
            return found
    raise BotocoreAdapterError(f"unknown AWS service {service!r}")  # pragma: no cover


def _deep_merge(base: dict[str, Any], extra: dict[str, Any]) -> None:
    # botocore.utils.deep_merge: dicts merge recursively, anything else replaces.
    for key, value in extra.items():
        if isinstance(base.get(key), dict) and isinstance(value, dict):
            _deep_merge(base[key], value)
        else:
            base[key] = value


def raw_service_model(service: str) -> dict[str, Any]:
    """The service model as botocore's loader returns it: service-2 plus its sdk-extras merge.

    A fresh dict on every call (the caller may keep or change it).
    """
    path = model_file(service)
    model = _read_json(path)
    version = path.parent.name
    for root in _search_paths():
        extras = _json_file(root / service / version / "service-2.sdk-extras")
        if extras is not None:
            merge = _read_json(extras).get("merge")
            if isinstance(merge, dict):
                _deep_merge(model, merge)
            break
    return model
