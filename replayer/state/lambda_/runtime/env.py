"""The environment AWS gives a Python function, and its unpacked code.

Variables: https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
import uuid
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

# Keys a function's Environment may not set (AWS rejects them at CreateFunction).
RESERVED = frozenset(
    {
        "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION",
        "AWS_EXECUTION_ENV", "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
        "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_INITIALIZATION_TYPE",
        "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_ACCESS_KEY",
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
        "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR",
    }
)  # fmt: skip


def log_stream_name(version: str) -> str:
    # e.g. 2024/01/31/[$LATEST]0123456789abcdef0123456789abcdef
    return f"{datetime.now(UTC):%Y/%m/%d}/[{version}]{uuid.uuid4().hex}"


def function_env(cfg: dict[str, Any], version: str, region: str, endpoint: str) -> dict[str, str]:
    """The worker's whole environment: AWS's variables, then the function's own, then ours."""
    name = cfg["FunctionName"]
    runtime = str(cfg.get("Runtime") or "python3.11")
    env = {
        "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
        "LANG": "en_US.UTF-8",
        "TZ": ":UTC",
        "LAMBDA_TASK_ROOT": "",  # filled by the pool with the unpacked code's directory
        "LAMBDA_RUNTIME_DIR": "/var/runtime",
        "_HANDLER": str(cfg.get("Handler") or ""),
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
        "AWS_EXECUTION_ENV": f"AWS_Lambda_{runtime}",
        "AWS_LAMBDA_FUNCTION_NAME": name,
        "AWS_LAMBDA_FUNCTION_VERSION": version,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(cfg.get("MemorySize", 128)),
        "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{name}",
        "AWS_LAMBDA_LOG_STREAM_NAME": log_stream_name(version),
        "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
        "AWS_ACCESS_KEY_ID": "ASIAAWSRECLAMBDA0000",
        "AWS_SECRET_ACCESS_KEY": "awsrec-lambda-dummy-secret",
        "AWS_SESSION_TOKEN": "awsrec-lambda-dummy-session-token",
    }
    env.update((cfg.get("Environment") or {}).get("Variables") or {})
    # boto3 in the handler talks to this server, never to AWS: these win over the function's.
    env["AWS_ENDPOINT_URL"] = endpoint
    env["AWS_CONFIG_FILE"] = os.devnull
    env["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
    env["NO_PROXY"] = "127.0.0.1,localhost,::1"
    return env


class CodeCache:
    """Unpacked deployment packages by code hash, under one temporary directory."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="awsrec-lambda-"))
        self._dirs: dict[str, Path] = {}

    def unpacked(self, key: str, data: bytes) -> Path:
        found = self._dirs.get(key)
        if found is not None and found.exists():
            return found
        target = self.root / key
        staging = Path(tempfile.mkdtemp(dir=self.root, prefix=".unzip-"))
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            archive.extractall(staging)
        if target.exists():
            shutil.rmtree(staging, ignore_errors=True)
        else:
            staging.rename(target)
        self._dirs[key] = target
        return target

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
