"""Recording scenarios: the workload `awsrec record --scenarios` runs, one cassette each."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Sequence
from typing import TextIO

from awsrec.errors import AwsrecError
from scenarios.lambda_ import role
from scenarios.registry import Scenario
from scenarios.runner import PLACEHOLDER_ROLE, Result, Target, run_scenarios

# Use this existing role instead of creating (and afterwards deleting) awsrec's own.
ROLE_ENV = "AWSREC_SCENARIOS_LAMBDA_ROLE"
# IAM is eventually consistent: Lambda cannot assume a brand-new role for a few seconds.
# https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html#troubleshoot_general_eventual-consistency
NEW_ROLE_DELAY_S = 10.0

Workload = Callable[[dict[str, str]], int]


def lambda_role(upstream: str | None, out: TextIO) -> tuple[str, bool]:
    """(role ARN, whether we made it and must delete it) for the run's Lambda scenarios."""
    given = os.environ.get(ROLE_ENV)
    if given:
        return given, False
    try:
        arn = role.ensure_role(upstream)
    except AwsrecError as e:
        if upstream is None:
            raise
        # An upstream without IAM (awsrec serve, a Lambda-only emulator) checks the form only.
        print(f"awsrec: {e}; using {PLACEHOLDER_ROLE}", file=out)
        return PLACEHOLDER_ROLE, False
    if upstream is None:
        time.sleep(NEW_ROLE_DELAY_S)
    return arn, True


def report(result: Result, out: TextIO = sys.stderr) -> None:
    """One line per scenario; the details of a failure."""
    if result.ok:
        mark = "ok" if not result.divergences else f"ok ({len(result.divergences)} divergent)"
        print(f"{mark:>18}  {result.scenario}", file=out)
        return
    print(f"{'FAILED':>18}  {result.scenario}: {result.error}", file=out)
    for failure in result.cleanup_failures:
        print(f"{'':>18}  clean-up: {failure}", file=out)


def scenario_workload(
    selected: Sequence[Scenario],
    seed: int,
    upstream: str | None,
    on_result: Callable[[Result], None] = report,
    results: list[Result] | None = None,
) -> Workload:
    """The workload for `recorder.session.run`: scenarios through the recorder's endpoint.

    Exit code 1 when a scenario failed to run to completion or to clean up, else 0.
    """

    def run(env: dict[str, str]) -> int:
        endpoint = env["AWS_ENDPOINT_URL"]
        region = env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1"
        needs_role = any(s.service == "lambda" for s in selected)
        arn, made = lambda_role(upstream, sys.stderr) if needs_role else (PLACEHOLDER_ROLE, False)
        target = Target(endpoint, region=region, split_header=True, lambda_role=arn)
        try:
            done = run_scenarios(selected, target, seed, on_result)
        finally:
            if made:
                role.delete_role(upstream)
        if results is not None:
            results.extend(done)
        return 0 if all(r.ok for r in done) else 1

    return run
