"""The built-in rules cover what botocore's service models say is volatile.

Rules stay data (YAML); this test derives the volatile members from the models and fails when a
botocore upgrade adds one the rules do not handle, or lists it among the caller-chosen values.
"""

from __future__ import annotations

from fnmatch import fnmatchcase

import pytest

from awsrec.aws import botocore_adapter
from awsrec.normalize import builtin_rules

# Timestamp members whose value the caller chooses (or that only appear in requests' echoes of
# configuration), so they are state, not noise.
CALLER_CHOSEN = {
    "s3": {
        "Date",  # lifecycle rule Expiration/Date
        "Expires",  # object metadata set by the caller
        "RetainUntilDate",  # object lock retention, set by the caller
        "x-amz-object-lock-retain-until-date",
    },
    "dynamodb": {"ExportFromTime", "ExportToTime"},
    "lambda": {"StartingPositionTimestamp"},
}


def _output_timestamps(service: str) -> set[tuple[str, str]]:
    """(location, wire name) of every timestamp member reachable from an output shape."""
    model = botocore_adapter.service_model(service)
    found: set[tuple[str, str]] = set()

    def walk(shape: object, name: str, location: str, seen: frozenset[str]) -> None:
        if shape.name in seen:  # type: ignore[attr-defined]
            return
        seen = seen | {shape.name}  # type: ignore[attr-defined]
        kind = shape.type_name  # type: ignore[attr-defined]
        if kind == "timestamp":
            found.add((location, name))
        elif kind == "structure":
            for member_name, member in shape.members.items():  # type: ignore[attr-defined]
                wire = member.serialization.get("name", member_name)
                walk(member, wire, member.serialization.get("location", "body"), seen)
        elif kind == "list":
            walk(shape.member, name, location, seen)  # type: ignore[attr-defined]
        elif kind == "map":
            walk(shape.value, name, location, seen)  # type: ignore[attr-defined]

    for op in model.operation_names:
        out = model.operation_model(op).output_shape
        if out is not None:
            walk(out, "", "body", frozenset())
    return found


def _covered(service: str, location: str, name: str) -> bool:
    for rule in builtin_rules(service).rules:
        if location == "header" and rule.where == "header":
            if fnmatchcase(name.lower(), rule.match.lower()):
                return True
        elif location == "body" and rule.where in ("json-path", "xml-path"):
            last = rule.match.rsplit(".", 1)[-1].rsplit("/", 1)[-1]
            if last == name:
                return True
    return False


@pytest.mark.parametrize("service", ["s3", "dynamodb", "lambda"])
def test_every_volatile_output_timestamp_has_a_rule(service: str) -> None:
    missing = sorted(
        f"{loc}:{name}"
        for loc, name in _output_timestamps(service)
        if name not in CALLER_CHOSEN[service] and not _covered(service, loc, name)
    )
    assert missing == []
    # The exceptions are real members, not stale names.
    assert CALLER_CHOSEN[service] <= {name for _loc, name in _output_timestamps(service)}


def test_lambda_last_modified_is_a_string_in_the_model_so_a_data_rule_covers_it() -> None:
    # FunctionConfiguration.LastModified is modelled as a string ("Timestamp" shape), so the
    # model walk above cannot find it; the built-in data rule must.
    model = botocore_adapter.service_model("lambda")
    shape = model.shape_for("FunctionConfiguration").members["LastModified"]
    assert shape.type_name == "string"
    assert _covered("lambda", "body", "LastModified")
