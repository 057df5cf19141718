"""The base of the Lambda model's handler mixins: the store, name/ARN parsing, Qualifier rules."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from awsrec.aws.errors import AwsError
from replayer.state.base import ServeRequest, ServiceModel
from replayer.state.lambda_.common import function_arn, invalid, not_found
from replayer.state.lambda_.store import LATEST, Function, Store

_PARTIAL_ARN = re.compile(r"^(\d{12}):function:([^:]+)(?::(.+))?$")


@dataclass(slots=True)
class Target:
    """A resolved FunctionName + Qualifier: the function, the version it runs, and how named."""

    function: Function
    version: str  # "$LATEST" or "1", "2", ...
    qualifier: str | None  # as the caller named it: None, "$LATEST", "3" or an alias name
    arn: str  # the invoked ARN (qualified when a qualifier was given)


def split_name(name: str) -> tuple[str, str | None]:
    """(function name, qualifier from the name or None) for a name, partial ARN or ARN."""
    if name.startswith("arn:"):
        parts = name.split(":")
        if len(parts) < 7 or parts[5] != "function":
            raise invalid(f"Invalid function name: {name}")  # not a function ARN
        return parts[6], (parts[7] if len(parts) > 7 else None)
    m = _PARTIAL_ARN.match(name)
    if m is not None:
        return m.group(2), m.group(3)
    if ":" in name:
        base, _, qual = name.partition(":")
        return base, qual
    return name, None


class LambdaBase(ServiceModel):
    """State shared by the mixins; one world per server."""

    service = "lambda"

    def __init__(self, state_dir: Path | None = None, account: str = "000000000000") -> None:
        super().__init__(state_dir, account)
        self.store = Store(state_dir)

    def arn(self, region: str, name: str, qualifier: str | None = None) -> str:
        return function_arn(region, self.account, name, qualifier)

    def function(self, region: str, name: str, qualifier: str | None = None) -> Function:
        fn = self.store.functions.get(name)
        if fn is None:
            raise not_found(self.arn(region, name, qualifier))
        return fn

    def name_and_qualifier(self, request: ServeRequest) -> tuple[str, str | None]:
        """FunctionName and Qualifier of the request; rejects a conflicting pair."""
        name, from_name = split_name(request.labels.get("FunctionName", ""))
        given = request.labels.get("Qualifier") or request.query_get("Qualifier")
        if from_name is not None and given is not None and from_name != given:
            # https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html (Qualifier)
            raise invalid(
                "The derived qualifier from the function name does not match the specified "
                "qualifier."
            )
        return name, from_name if from_name is not None else given

    def resolve(self, region: str, name: str, qualifier: str | None) -> Target:
        """`$LATEST`, a version number or an alias name -> the version that answers."""
        fn = self.function(region, name, qualifier)
        arn = self.arn(region, name, qualifier)
        if qualifier is None or qualifier == LATEST:
            return Target(fn, LATEST, qualifier, arn)
        if qualifier.isdigit():
            if qualifier not in fn.versions:
                raise not_found(arn)
            return Target(fn, qualifier, qualifier, arn)
        alias = fn.aliases.get(qualifier)
        if alias is None:
            raise not_found(arn)
        return Target(fn, str(alias["FunctionVersion"]), qualifier, arn)

    def target(self, request: ServeRequest) -> Target:
        name, qualifier = self.name_and_qualifier(request)
        return self.resolve(request.region, name, qualifier)


def require(doc: dict[str, object], member: str) -> object:
    value = doc.get(member)
    if value is None:
        # The framework's wording for a missing required member.
        raise AwsError(
            "ValidationException",
            f"1 validation error detected: Value null at '{member[:1].lower() + member[1:]}' "
            "failed to satisfy constraint: Member must not be null",
            400,
        )
    return value
