"""FunctionConfiguration documents as AWS writes them, and their State/LastUpdateStatus views."""

from __future__ import annotations

import base64
import copy
import hashlib
import uuid
from typing import Any

from replayer.state.lambda_.common import last_modified

Doc = dict[str, Any]
# Members UpdateFunctionConfiguration may change, in FunctionConfiguration's order.
SETTABLE = ("Role", "Handler", "Description", "Timeout", "MemorySize", "Runtime")


def code_sha(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def new_config(name: str, arn: str, doc: Doc, code: bytes, journal: list[str]) -> Doc:
    """$LATEST's configuration for CreateFunction, in the field order of AWS's responses."""
    cfg: Doc = {
        "FunctionName": name,
        "FunctionArn": arn,
        "Runtime": doc.get("Runtime"),
        "Role": doc["Role"],
        "Handler": doc.get("Handler"),
        "CodeSize": len(code),
        "Description": doc.get("Description", ""),
        "Timeout": int(doc.get("Timeout", 3)),
        "MemorySize": int(doc.get("MemorySize", 128)),
        "LastModified": last_modified(),
        "CodeSha256": code_sha(code),
        "Version": "$LATEST",
    }
    apply_settings(cfg, doc, journal)
    cfg.update(
        {
            "TracingConfig": {"Mode": doc.get("TracingConfig", {}).get("Mode", "PassThrough")},
            "RevisionId": str(uuid.uuid4()),
            "State": "Active",
            "LastUpdateStatus": "Successful",
            "PackageType": "Zip",
            "Architectures": doc.get("Architectures") or ["x86_64"],
            "EphemeralStorage": {"Size": doc.get("EphemeralStorage", {}).get("Size", 512)},
            "SnapStart": {"ApplyOn": "None", "OptimizationStatus": "Off"},
            "LoggingConfig": {"LogFormat": "Text", "LogGroup": f"/aws/lambda/{name}"},
        }
    )
    return _ordered(cfg)


def apply_settings(cfg: Doc, doc: Doc, journal: list[str]) -> None:
    """Environment and Layers (accepted; layers are not run, and the journal says so)."""
    for member in SETTABLE:
        if doc.get(member) is not None:
            value = doc[member]
            cfg[member] = int(value) if member in ("Timeout", "MemorySize") else value
    if "Environment" in doc:
        variables = (doc.get("Environment") or {}).get("Variables") or {}
        if variables:
            cfg["Environment"] = {"Variables": dict(variables)}
        else:
            cfg.pop("Environment", None)
    if "Layers" in doc:
        layers = list(doc.get("Layers") or [])
        if layers:
            journal.append(f"Layers accepted and not run: {', '.join(layers)}")
            cfg["Layers"] = [{"Arn": arn, "CodeSize": 0} for arn in layers]
        else:
            cfg.pop("Layers", None)


_ORDER = (
    "FunctionName", "FunctionArn", "Runtime", "Role", "Handler", "CodeSize", "Description",
    "Timeout", "MemorySize", "LastModified", "CodeSha256", "Version", "Environment",
    "TracingConfig", "MasterArn", "RevisionId", "Layers", "State", "StateReason",
    "StateReasonCode", "LastUpdateStatus", "LastUpdateStatusReason",
    "LastUpdateStatusReasonCode", "PackageType", "Architectures", "EphemeralStorage",
    "SnapStart", "RuntimeVersionConfig", "LoggingConfig",
)  # fmt: skip


def _ordered(cfg: Doc) -> Doc:
    rank = {k: i for i, k in enumerate(_ORDER)}
    return dict(sorted(cfg.items(), key=lambda kv: rank.get(kv[0], len(rank))))


def touched(cfg: Doc) -> None:
    """A change: new RevisionId and LastModified."""
    cfg["RevisionId"] = str(uuid.uuid4())
    cfg["LastModified"] = last_modified()


def as_creating(cfg: Doc) -> Doc:
    """CreateFunction's answer: the function is Pending until Lambda has set it up.

    https://docs.aws.amazon.com/lambda/latest/dg/functions-states.html
    """
    out = copy.deepcopy(cfg)
    out.pop("LastUpdateStatus", None)
    out["State"] = "Pending"
    out["StateReason"] = "The function is being created."
    out["StateReasonCode"] = "Creating"
    return _ordered(out)


def as_updating(cfg: Doc) -> Doc:
    """UpdateFunctionCode/Configuration's answer: LastUpdateStatus InProgress."""
    out = copy.deepcopy(cfg)
    out["LastUpdateStatus"] = "InProgress"
    out["LastUpdateStatusReason"] = "The function is being created."
    out["LastUpdateStatusReasonCode"] = "Creating"
    return _ordered(out)


def reordered(cfg: Doc) -> Doc:
    return _ordered(cfg)
