"""What a running scenario sees: its clients, seeded rng, unique names, calls and clean-up."""

from __future__ import annotations

import hashlib
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from scenarios.registry import Scenario

Expect = str | tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one call produced: "ok" or the AWS error code, the status and the parsed response."""

    operation: str
    code: str
    status: int
    response: dict[str, Any]

    @property
    def ok(self) -> bool:
        return self.code == "ok"


@dataclass(frozen=True, slots=True)
class Divergence:
    """A call whose outcome differs from what the AWS documentation says it should be."""

    scenario: str
    operation: str
    expected: str
    got: str
    ref: str


class ScenarioError(Exception):
    """A scenario could not run to completion (not an AWS error: those are outcomes)."""


def token(seed: int, scenario_id: str) -> str:
    """Ten hex digits naming a scenario's resources, the same for the same seed and id."""
    return hashlib.sha256(f"{seed}:{scenario_id}".encode()).hexdigest()[:10]


@dataclass
class Ctx:
    """The handle a probe gets; every AWS call goes through `call` so errors become outcomes."""

    scenario: Scenario
    seed: int
    clients: Callable[[str], Any]
    lambda_role: str = ""
    outcomes: list[Outcome] = field(default_factory=list)
    divergences: list[Divergence] = field(default_factory=list)
    _cleanups: list[Callable[[], None]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.token = token(self.seed, self.scenario.id)
        self.rng = random.Random(f"{self.seed}:{self.scenario.id}")

    @property
    def case(self) -> int:
        return self.scenario.case

    @property
    def s3(self) -> Any:
        return self.clients("s3")

    @property
    def ddb(self) -> Any:
        return self.clients("dynamodb")

    @property
    def lam(self) -> Any:
        return self.clients("lambda")

    def name(self, suffix: str = "") -> str:
        """A resource name unique to this scenario and seed (valid as bucket/table/function)."""
        return f"awsrec-{self.token}" + (f"-{suffix}" if suffix else "")

    def call(
        self, method: Callable[..., Any], expect: Expect = "ok", ref: str = "", **params: Any
    ) -> Outcome:
        """Call a client method; an AWS error is an outcome, anything else propagates.

        `expect` is what the AWS documentation (`ref`) says happens: "ok" or error code(s).
        A different outcome is kept as a divergence, never raised: scenarios are probes.
        """
        client = getattr(method, "__self__", None)
        mapping = client.meta.method_to_api_mapping if client is not None else {}
        operation = mapping.get(method.__name__, method.__name__)
        try:
            response = method(**params)
            code, status = "ok", response["ResponseMetadata"]["HTTPStatusCode"]
        except ClientError as e:
            response = dict(e.response)
            code = str(response.get("Error", {}).get("Code", "")) or "Unknown"
            status = int(response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0))
        body = response.get("Body")
        if hasattr(body, "read"):
            response["Body"] = body.read()
        outcome = Outcome(operation, code, status, response)
        self.outcomes.append(outcome)
        wanted = (expect,) if isinstance(expect, str) else expect
        if code not in wanted:
            got = code if code != "ok" else f"ok ({status})"
            self.divergences.append(
                Divergence(self.scenario.id, operation, " or ".join(wanted), got, ref)
            )
        return outcome

    def defer(self, fn: Callable[[], None]) -> None:
        """Run `fn` at the end of the scenario, last registered first, whatever happened."""
        self._cleanups.append(fn)

    def cleanup(self) -> list[str]:
        """Run every clean-up; the failures (there should be none) as messages."""
        failures: list[str] = []
        while self._cleanups:
            fn = self._cleanups.pop()
            try:
                fn()
            except Exception as e:  # every clean-up runs, and each failure is reported
                failures.append(f"{type(e).__name__}: {e}")
        return failures

    def wait_until(self, check: Callable[[], bool], what: str, timeout: float = 120.0) -> None:
        """Poll `check` (an emulator answers at once; AWS takes seconds) or fail the scenario."""
        deadline = time.monotonic() + timeout
        while not check():
            if time.monotonic() > deadline:
                raise ScenarioError(f"{what} did not happen within {timeout:.0f}s")
            time.sleep(1.0)
