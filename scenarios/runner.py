"""Running scenarios against one endpoint: cached clients, the cassette header, results."""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.config import Config

from scenarios.context import Ctx, Divergence, Outcome
from scenarios.registry import Scenario

# The recorder starts a new cassette whenever this request header changes (--split-by header).
SPLIT_HEADER = "x-awsrec-cassette"
DEFAULT_SEED = 8
# What serve accepts for Role (its pattern only); moto and AWS need a real role, see role.py.
PLACEHOLDER_ROLE = "arn:aws:iam::000000000000:role/awsrec-scenarios-lambda"


@dataclass(frozen=True, slots=True)
class Target:
    """Where scenarios send their requests, and how."""

    endpoint: str | None  # None: real AWS (only through the recorder's endpoint, in practice)
    region: str = "us-east-1"
    # Send SPLIT_HEADER with each request so a recorder files each scenario in its own cassette.
    split_header: bool = False
    lambda_role: str = PLACEHOLDER_ROLE
    # A hang fails the scenario: no call waits longer than this for its answer.
    read_timeout: float = 60.0
    credentials: dict[str, str] = field(default_factory=dict)


class Clients:
    """One boto3 client per service for a target (clients are costly to build), reused."""

    def __init__(self, target: Target) -> None:
        self.target = target
        self.cassette = ""
        self._session = boto3.session.Session(region_name=target.region, **target.credentials)
        self._made: dict[str, Any] = {}

    def __call__(self, service: str) -> Any:
        made = self._made.get(service)
        if made is None:
            config = Config(
                # One attempt: a retry would be recorded as a second exchange and hide errors.
                retries={"max_attempts": 1, "mode": "standard"},
                s3={"addressing_style": "path"},
                connect_timeout=10,
                read_timeout=self.target.read_timeout,
            )
            made = self._session.client(service, endpoint_url=self.target.endpoint, config=config)
            if self.target.split_header:
                made.meta.events.register("before-send", self._mark)
            self._made[service] = made
        return made

    def _mark(self, request: Any, **_: Any) -> None:
        # before-send runs after signing, so the header is never part of the signature.
        if self.cassette:
            request.headers[SPLIT_HEADER] = self.cassette


@dataclass(slots=True)
class Result:
    """How one scenario went against one target."""

    scenario: str
    error: str = ""
    cleanup_failures: list[str] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    divergences: list[Divergence] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.error and not self.cleanup_failures


def run_scenario(scenario: Scenario, clients: Clients, seed: int = DEFAULT_SEED) -> Result:
    """Run one scenario to completion, then its clean-up; never raises for what it finds."""
    clients.cassette = scenario.id
    ctx = Ctx(scenario, seed, clients, lambda_role=clients.target.lambda_role)
    result = Result(scenario.id)
    try:
        scenario.probe(ctx)
    except Exception as e:  # a probe's unexpected exception is its result, not our crash
        frames = traceback.extract_tb(e.__traceback__)
        where = next((f"{f.filename}:{f.lineno}" for f in reversed(frames)), "")
        result.error = f"{type(e).__name__}: {e} ({where})"
    finally:
        result.cleanup_failures = ctx.cleanup()
        result.outcomes = ctx.outcomes
        result.divergences = ctx.divergences
    return result


def run_scenarios(
    scenarios: Iterable[Scenario],
    target: Target,
    seed: int = DEFAULT_SEED,
    on_result: Callable[[Result], None] | None = None,
) -> list[Result]:
    """Run `scenarios` one after another against `target`; every result, in order."""
    clients = Clients(target)
    results: list[Result] = []
    for scenario in scenarios:
        result = run_scenario(scenario, clients, seed)
        results.append(result)
        if on_result is not None:
            on_result(result)
    return results
