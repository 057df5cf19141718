"""Shared Lambda scenario helpers: reproducible deployment zips, a self-deleting function."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from scenarios.context import Ctx, ScenarioError

API = "https://docs.aws.amazon.com/lambda/latest/api"
ERRORS = f"{API}/CommonErrors.html"
RUNTIME = "python3.12"
# Handlers the probes deploy: echo, handled and unhandled errors, slow, environment, logging.
HANDLER_SOURCE = """\
import json, os, time


def echo(event, context):
    print("echo", json.dumps(event, sort_keys=True))
    return {"event": event, "version": context.function_version}


def handled(event, context):
    try:
        raise ValueError("bad input")
    except ValueError as e:
        return {"statusCode": 400, "error": str(e)}


def unhandled(event, context):
    raise RuntimeError("probe failure: " + str(event.get("why", "none")))


def slow(event, context):
    time.sleep(float(event.get("seconds", 3)))
    return {"slept": True}


def env(event, context):
    return {"PROBE": os.environ.get("PROBE", "")}
"""


def zip_of(source: str, name: str = "probe.py") -> bytes:
    """A deployment package with fixed timestamps, so the same code is the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
        info.external_attr = 0o644 << 16
        archive.writestr(info, source)
    return out.getvalue()


CODE = zip_of(HANDLER_SOURCE)


def function(ctx: Ctx, handler: str = "echo", suffix: str = "", **extra: Any) -> str:
    """Create this scenario's function (probe.HANDLER), wait until Active, delete it at the end."""
    name = ctx.name(suffix)
    params: dict[str, Any] = {"Runtime": RUNTIME, "Timeout": 10, "MemorySize": 128}
    params.update(extra)
    out = ctx.call(ctx.lam.create_function, FunctionName=name, Role=ctx.lambda_role,
                   Handler=f"probe.{handler}", Code={"ZipFile": CODE}, **params)  # fmt: skip
    if out.ok:
        ctx.defer(lambda: _delete(ctx, name))
        wait_ready(ctx, name)
    return name


def wait_ready(ctx: Ctx, name: str) -> None:
    """Wait for State Active and LastUpdateStatus Successful (AWS takes a moment after writes)."""

    def ready() -> bool:
        out = ctx.call(ctx.lam.get_function_configuration, FunctionName=name)
        if not out.ok:  # an error is no "not yet": waiting would only repeat it
            raise ScenarioError(f"GetFunctionConfiguration {name} while waiting: {out.code}")
        cfg = out.response
        return cfg.get("State", "Active") == "Active" and cfg.get(
            "LastUpdateStatus", "Successful"
        ) in ("Successful", None)

    ctx.wait_until(ready, f"function {name} Active")


def _delete(ctx: Ctx, name: str) -> None:
    done = ctx.call(ctx.lam.delete_function, FunctionName=name)
    if not done.ok:
        raise RuntimeError(f"function {name} not deleted: {done.code}")
