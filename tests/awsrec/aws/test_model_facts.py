"""The serve path's model facts, read from botocore's files, agree with botocore's own model."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import botocore.session
import pytest

from awsrec.aws import botocore_adapter

SERVICES = ["s3", "dynamodb", "lambda", "sts"]


def _botocore_bindings(op: Any) -> list[tuple[str, str, str, bool]]:
    shape = op.input_shape
    if shape is None:
        return []
    required = set(shape.required_members)
    out = []
    for name, member in shape.members.items():
        location = member.serialization.get("location")
        if location in ("uri", "querystring", "header"):
            wire = str(member.serialization.get("name", name))
            out.append((name, location, wire, name in required))
    return out


@pytest.mark.parametrize("service", SERVICES)
def test_facts_match_botocore_service_model(service: str) -> None:
    model = botocore.session.Session().get_service_model(service)
    assert botocore_adapter.operation_names(service) == list(model.operation_names)
    assert botocore_adapter.protocol(service) == model.protocol
    assert botocore_adapter.signing_name(service) == model.signing_name
    assert botocore_adapter.metadata(service) == dict(model.metadata)
    for name in model.operation_names:
        op = model.operation_model(name)
        http = (str(op.http.get("method", "POST")), str(op.http.get("requestUri", "/")))
        assert botocore_adapter.http_binding(service, name) == http
        assert botocore_adapter.is_deprecated(service, name) == bool(op.deprecated)
        assert botocore_adapter.input_bindings(service, name) == _botocore_bindings(op), name
        static = {p.name: p.value for p in op.static_context_parameters}
        assert botocore_adapter.static_context_params(service, name) == static
    statuses, members = {}, {}
    for shape in model.error_shapes:
        error = shape.metadata.get("error", {})
        for code in [shape.name, *([error["code"]] if error.get("code") else [])]:
            members[code] = list(shape.members)
            if error.get("httpStatusCode") is not None:
                statuses[code] = int(error["httpStatusCode"])
    assert botocore_adapter.error_statuses(service) == statuses
    assert botocore_adapter.error_members(service) == members


def test_s3_sdk_extras_are_merged_as_botocore_merges_them() -> None:
    # botocore/data/s3/2006-03-01/service-2.sdk-extras.json retypes the Expires shape.
    raw = botocore_adapter.raw_service_model("s3")
    assert raw["shapes"]["Expires"] == {"type": "timestamp"}


def test_unknown_service_and_operation_are_adapter_errors() -> None:
    with pytest.raises(botocore_adapter.BotocoreAdapterError, match="unknown AWS service"):
        botocore_adapter.model_file("no-such-service")
    with pytest.raises(botocore_adapter.BotocoreAdapterError, match="unknown s3 operation"):
        botocore_adapter.http_binding("s3", "NoSuchOperation")


def test_aws_data_path_model_wins_and_latest_version_is_chosen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A model in AWS_DATA_PATH under a newer API version is the one botocore loads; an older
    # version there does not shadow the newest built-in one.
    sts = json.loads(gzip.decompress(botocore_adapter.model_file("sts").read_bytes()))
    sts["metadata"]["serviceId"] = "STS from AWS_DATA_PATH"
    newer = tmp_path / "sts" / "2099-01-01"
    newer.mkdir(parents=True)
    (newer / "service-2.json").write_text(json.dumps(sts))
    older = tmp_path / "sts" / "2000-01-01"
    older.mkdir(parents=True)
    (older / "service-2.json").write_text("{}")
    monkeypatch.setenv("AWS_DATA_PATH", str(tmp_path))
    assert botocore_adapter.model_file("sts") == newer / "service-2.json"
    assert botocore_adapter.raw_service_model("sts")["metadata"]["serviceId"] == (
        "STS from AWS_DATA_PATH"
    )
    loader = botocore.session.Session().get_component("data_loader")
    assert loader.determine_latest_version("sts", "service-2") == "2099-01-01"
