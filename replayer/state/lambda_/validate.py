"""Validation of CreateFunction/Update* input with AWS's errors: Role, Runtime, zip, limits."""

from __future__ import annotations

import base64
import binascii
import io
import re
import zipfile
from typing import Any

from awsrec.aws import botocore_adapter
from awsrec.aws.errors import AwsError
from replayer.state.lambda_.common import invalid, validation

# The Role member's pattern in the Lambda API reference
# (https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html#lambda-CreateFunction-request-Role).
ROLE_PATTERN = r"arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+"
_ROLE = re.compile(ROLE_PATTERN)
# Runtimes that AWS still lists but no longer lets you create or update functions with
# (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html#runtimes-deprecated),
# with the replacement AWS names in its message.
DEPRECATED = {
    "python2.7": "python3.13", "python3.6": "python3.13", "python3.7": "python3.13",
    "python3.8": "python3.13", "nodejs": "nodejs22.x", "nodejs4.3": "nodejs22.x",
    "nodejs4.3-edge": "nodejs22.x", "nodejs6.10": "nodejs22.x", "nodejs8.10": "nodejs22.x",
    "nodejs10.x": "nodejs22.x", "nodejs12.x": "nodejs22.x", "nodejs14.x": "nodejs22.x",
    "nodejs16.x": "nodejs22.x", "dotnetcore1.0": "dotnet8", "dotnetcore2.0": "dotnet8",
    "dotnetcore2.1": "dotnet8", "dotnetcore3.1": "dotnet8", "dotnet6": "dotnet8",
    "ruby2.5": "ruby3.3", "ruby2.7": "ruby3.3", "go1.x": "provided.al2023",
    "java8": "java21", "provided": "provided.al2023",
}  # fmt: skip
# Largest deployment package accepted inline (50 MB zipped, base64 in the JSON body):
# https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
MAX_INLINE_ZIP = 50 * 1024 * 1024
MAX_UNZIPPED = 250 * 1024 * 1024


def runtime_enum() -> tuple[str, ...]:
    """Runtime values the Lambda API model accepts (botocore's copy of it)."""
    return botocore_adapter.enum_values("lambda", "Runtime")


def check_role(role: str) -> None:
    if not _ROLE.fullmatch(role):
        raise validation(
            role, "role", f"Member must satisfy regular expression pattern: {ROLE_PATTERN}"
        )


def check_runtime(runtime: str) -> None:
    if runtime not in runtime_enum():
        values = ", ".join(runtime_enum())
        raise validation(runtime, "runtime", f"Member must satisfy enum value set: [{values}]")
    if runtime in DEPRECATED:
        raise invalid(
            f"The runtime parameter of {runtime} is no longer supported for creating or "
            f"updating AWS Lambda functions. We recommend you use the new runtime "
            f"({DEPRECATED[runtime]}) while creating or updating functions."
        )


def check_limits(doc: dict[str, Any]) -> None:
    timeout = doc.get("Timeout")
    if timeout is not None and not 1 <= int(timeout) <= 900:
        side = "greater than or equal to 1" if int(timeout) < 1 else "less than or equal to 900"
        raise validation(str(timeout), "timeout", f"Member must have value {side}")
    memory = doc.get("MemorySize")
    if memory is not None and not 128 <= int(memory) <= 10240:
        side = (
            "greater than or equal to 128" if int(memory) < 128 else "less than or equal to 10240"
        )
        raise validation(str(memory), "memorySize", f"Member must have value {side}")


def decode_zip(b64: str) -> bytes:
    """ZipFile from the JSON body (base64), checked to be a zip AWS could unpack."""
    try:
        data = base64.b64decode(b64, validate=True)
    except (binascii.Error, ValueError) as e:
        raise AwsError("SerializationException", "Invalid base64 in ZipFile", 400) from e
    if len(data) > MAX_INLINE_ZIP:
        raise AwsError(
            "RequestEntityTooLargeException",
            "Request must be smaller than 69905067 bytes for the CreateFunction operation",
            413,
        )
    check_zip(data)
    return data


def check_zip(data: bytes) -> None:
    # AWS's message for a package it cannot unzip (an empty or corrupt archive).
    message = "Could not unzip uploaded file. Please check your file, then try to upload again."
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            size = sum(info.file_size for info in archive.infolist())
            if archive.testzip() is not None:
                raise invalid(message)
    except (zipfile.BadZipFile, OSError, EOFError) as e:
        raise invalid(message) from e
    if size > MAX_UNZIPPED:
        raise invalid(f"Unzipped size must be smaller than {MAX_UNZIPPED} bytes")
