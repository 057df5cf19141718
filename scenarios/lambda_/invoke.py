"""Lambda Invoke scenarios: success, handled/unhandled errors, timeouts, DryRun/Event, log tail."""

from __future__ import annotations

import json
from typing import Any

from scenarios.context import Ctx
from scenarios.lambda_.common import API, ERRORS, function, wait_ready
from scenarios.registry import scenario

INVOKE = f"{API}/API_Invoke.html"
# https://docs.aws.amazon.com/lambda/latest/dg/python-exceptions.html
PY_ERRORS = "https://docs.aws.amazon.com/lambda/latest/dg/python-exceptions.html"


def _payload(ctx: Ctx) -> bytes:
    event: dict[str, Any] = {"id": ctx.rng.randrange(10**6), "words": ["a", "b c", "é"]}
    event["nested"] = {"n": ctx.rng.random() < 0.5, "list": list(range(ctx.rng.randrange(5)))}
    return json.dumps(event, sort_keys=True).encode()


def _invoke(ctx: Ctx, name: str, ref: str = INVOKE, expect: str = "ok", **extra: Any) -> None:
    ctx.call(ctx.lam.invoke, FunctionName=name, expect=expect, ref=ref, **extra)


@scenario("lambda", "invoke", cases=2)
def success(ctx: Ctx) -> None:
    """RequestResponse invoke with a seeded JSON event: 200, the handler's return value."""
    name = function(ctx)
    _invoke(ctx, name, Payload=_payload(ctx))


@scenario("lambda", "invoke", "errors")
def handled_error(ctx: Ctx) -> None:
    """A handler that catches its error and returns it: 200, no X-Amz-Function-Error."""
    name = function(ctx, handler="handled")
    _invoke(ctx, name, ref=PY_ERRORS, Payload=b"{}")


@scenario("lambda", "invoke", "errors")
def unhandled_error(ctx: Ctx) -> None:
    """A handler that raises: 200 with X-Amz-Function-Error: Unhandled, errorType/stackTrace."""
    name = function(ctx, handler="unhandled")
    _invoke(ctx, name, ref=PY_ERRORS, Payload=json.dumps({"why": ctx.token}).encode())


@scenario("lambda", "invoke", "errors", "slow")
def timeout(ctx: Ctx) -> None:
    """A handler sleeping past its 1 s Timeout: Unhandled, 'Task timed out after 1.00 seconds'."""
    name = function(ctx, handler="slow", Timeout=1)
    _invoke(ctx, name, ref=PY_ERRORS, Payload=b'{"seconds": 3}')


@scenario("lambda", "invoke")
def dry_run(ctx: Ctx) -> None:
    """InvocationType DryRun: 204, nothing run."""
    name = function(ctx)
    _invoke(ctx, name, InvocationType="DryRun", Payload=b"{}")


@scenario("lambda", "invoke")
def event(ctx: Ctx) -> None:
    """InvocationType Event: 202 Accepted, empty body."""
    name = function(ctx)
    _invoke(ctx, name, InvocationType="Event", Payload=_payload(ctx))


@scenario("lambda", "invoke", "logs")
def log_tail(ctx: Ctx) -> None:
    """LogType Tail: X-Amz-Log-Result is the base64 of the last 4 KB of the log."""
    name = function(ctx)
    _invoke(ctx, name, LogType="Tail", Payload=_payload(ctx))


@scenario("lambda", "invoke", "errors")
def missing(ctx: Ctx) -> None:
    """Invoke an absent function -> 404 ResourceNotFoundException; DryRun too."""
    name = ctx.name("absent")
    _invoke(ctx, name, ref=ERRORS, expect="ResourceNotFoundException", Payload=b"{}")
    _invoke(ctx, name, expect="ResourceNotFoundException", InvocationType="DryRun")


@scenario("lambda", "invoke", "errors")
def bad_payload(ctx: Ctx) -> None:
    """A payload that is not JSON -> 400 InvalidRequestContentException."""
    name = function(ctx)
    _invoke(ctx, name, expect="InvalidRequestContentException", Payload=b"{not json")


@scenario("lambda", "invoke", "versions")
def qualifiers(ctx: Ctx) -> None:
    """Invoke $LATEST, a published version and an alias; an absent version -> 404."""
    name = function(ctx)
    ctx.call(ctx.lam.publish_version, FunctionName=name)
    ctx.call(ctx.lam.create_alias, FunctionName=name, Name="live", FunctionVersion="1")
    for qualifier in ("$LATEST", "1", "live"):
        _invoke(ctx, name, Qualifier=qualifier, Payload=b'{"q": 1}')
    _invoke(ctx, name, Qualifier="9", expect="ResourceNotFoundException", Payload=b"{}")


@scenario("lambda", "invoke", "limits", "large")
def payload_too_large(ctx: Ctx) -> None:
    """A 6 MB+ synchronous payload -> 413 RequestEntityTooLargeException."""
    name = function(ctx)
    big = json.dumps({"pad": "x" * (6 * 1024 * 1024 + 10)}).encode()
    _invoke(ctx, name, expect="RequestEntityTooLargeException", Payload=big)


@scenario("lambda", "invoke")
def environment(ctx: Ctx) -> None:
    """Invoke sees Environment; after UpdateFunctionConfiguration it sees the new value."""
    name = function(ctx, handler="env", Environment={"Variables": {"PROBE": "first"}})
    _invoke(ctx, name, Payload=b"{}")
    ctx.call(ctx.lam.update_function_configuration, FunctionName=name,
             Environment={"Variables": {"PROBE": str(ctx.rng.randrange(10**6))}})  # fmt: skip
    wait_ready(ctx, name)
    _invoke(ctx, name, Payload=b"{}")
