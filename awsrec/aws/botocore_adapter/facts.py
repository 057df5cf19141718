"""Compact facts of a service model for the serve path: operations, bindings, errors."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from awsrec.aws.botocore_adapter.model_files import BotocoreAdapterError, raw_service_model


@dataclass(frozen=True, slots=True)
class OperationFacts:
    """What identifying and answering an operation needs from its model."""

    method: str
    request_uri: str
    deprecated: bool
    unsigned: bool
    static_context: dict[str, Any]
    # Input members bound outside the body: (member, location, wire name, required).
    bindings: tuple[tuple[str, str, str, bool], ...]


@dataclass(frozen=True, slots=True)
class ServiceFacts:
    """A service model reduced to what awsrec.aws needs; a few KB instead of a few MB."""

    metadata: dict[str, Any]
    operations: dict[str, OperationFacts]
    error_statuses: dict[str, int]
    error_members: dict[str, list[str]]


def _bindings(shapes: dict[str, Any], op: dict[str, Any]) -> tuple[tuple[str, str, str, bool], ...]:
    ref = op.get("input")
    if not ref:
        return ()
    shape = shapes[ref["shape"]]
    required = set(shape.get("required", ()))
    out = []
    for name, member in shape.get("members", {}).items():
        # The member reference's traits override the target shape's, as botocore merges them.
        target = shapes.get(member.get("shape", ""), {})
        location = member.get("location", target.get("location"))
        if location in ("uri", "querystring", "header"):
            wire = member.get("locationName", target.get("locationName", name))
            out.append((name, str(location), str(wire), name in required))
    return tuple(out)


def _operation_facts(shapes: dict[str, Any], op: dict[str, Any]) -> OperationFacts:
    http = op.get("http", {})
    return OperationFacts(
        method=str(http.get("method", "POST")),
        request_uri=str(http.get("requestUri", "/")),
        deprecated=bool(op.get("deprecated", False)),
        # botocore's OperationModel.auth_type, or the smithy auth trait saying "no auth".
        unsigned=op.get("authtype") == "none" or op.get("auth") == ["smithy.api#noAuth"],
        static_context={k: v.get("value") for k, v in op.get("staticContextParams", {}).items()},
        bindings=_bindings(shapes, op),
    )


def compile_facts(model: dict[str, Any]) -> ServiceFacts:
    """ServiceFacts of a raw service model (see `raw_service_model`)."""
    shapes: dict[str, Any] = model.get("shapes", {})
    statuses: dict[str, int] = {}
    members: dict[str, list[str]] = {}
    for name, shape in shapes.items():
        if not shape.get("exception", False):
            continue
        # Errors are keyed by shape name and by the code AWS sends, when the model says.
        error = shape.get("error", {})
        codes = [name] + ([str(error["code"])] if error.get("code") else [])
        for code in codes:
            members[code] = list(shape.get("members", {}))
            if error.get("httpStatusCode") is not None:
                statuses[code] = int(error["httpStatusCode"])
    operations = {
        name: _operation_facts(shapes, op) for name, op in model.get("operations", {}).items()
    }
    return ServiceFacts(dict(model.get("metadata", {})), operations, statuses, members)


@functools.cache
def service_facts(service: str) -> ServiceFacts:
    """The compact facts of `service`'s latest model (cached; the raw model is not kept)."""
    return compile_facts(raw_service_model(service))


def _op(service: str, operation: str) -> OperationFacts:
    try:
        return service_facts(service).operations[operation]
    except KeyError:
        raise BotocoreAdapterError(f"unknown {service} operation {operation!r}") from None


def operation_names(service: str) -> list[str]:
    """Every operation name of the service's model, as AWS writes them, in model order."""
    return list(service_facts(service).operations)


def protocol(service: str) -> str:
    """The wire protocol the model declares ("rest-xml", "json", "rest-json", "query")."""
    return str(service_facts(service).metadata["protocol"])


def metadata(service: str) -> dict[str, Any]:
    """The model's metadata block (targetPrefix, signingName, jsonVersion, xmlNamespace...)."""
    return dict(service_facts(service).metadata)


def signing_name(service: str) -> str:
    """The SigV4 credential-scope service name (the endpoint prefix when the model has none)."""
    meta = service_facts(service).metadata
    return str(meta.get("signingName") or meta["endpointPrefix"])


def error_statuses(service: str) -> dict[str, int]:
    """Error code -> HTTP status, from the model's error shapes (code as AWS sends it)."""
    return service_facts(service).error_statuses


def error_members(service: str) -> dict[str, list[str]]:
    """Error code -> member names of its error shape, in model order (code as AWS sends it)."""
    return service_facts(service).error_members


def http_binding(service: str, operation: str) -> tuple[str, str]:
    """(HTTP method, requestUri template) of an operation, e.g. ("GET", "/{Bucket}?list-type=2")."""
    op = _op(service, operation)
    return op.method, op.request_uri


def is_deprecated(service: str, operation: str) -> bool:
    """Whether the model marks the operation deprecated."""
    return _op(service, operation).deprecated


def is_unsigned(service: str, operation: str) -> bool:
    """Whether the model says the operation is sent without a signature (smithy noAuth)."""
    return _op(service, operation).unsigned


def static_context_params(service: str, operation: str) -> dict[str, Any]:
    """The operation's staticContextParams (e.g. UseS3ExpressControlEndpoint), name -> value."""
    return dict(_op(service, operation).static_context)


def input_bindings(service: str, operation: str) -> list[tuple[str, str, str, bool]]:
    """Input members bound outside the body: (member, location, wire name, required).

    location is "uri", "querystring" or "header"; wire name is the name on the wire.
    """
    return list(_op(service, operation).bindings)


@functools.cache
def _enums(service: str) -> dict[str, tuple[str, ...]]:
    # Read once per service, and only the enum shapes are kept (a few KB of the model's MBs).
    shapes: dict[str, Any] = raw_service_model(service).get("shapes", {})
    return {
        name: tuple(str(v) for v in shape["enum"])
        for name, shape in shapes.items()
        if isinstance(shape.get("enum"), list)
    }


def enum_values(service: str, shape: str) -> tuple[str, ...]:
    """The values of enum shape `shape` in `service`'s model, in model order (lambda "Runtime").

    What botocore's `model.shape_for(shape).enum` returns, read from the model file itself, so
    the serve path never imports botocore.model or builds a session.
    """
    try:
        return _enums(service)[shape]
    except KeyError:
        raise BotocoreAdapterError(f"the {service} model has no enum shape {shape!r}") from None
