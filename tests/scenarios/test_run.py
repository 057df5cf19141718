"""Every scenario runs to completion against moto and against awsrec serve, and cleans up."""

from __future__ import annotations

import pytest

from replayer.server.run import BackgroundServer
from scenarios.registry import Scenario, all_scenarios
from scenarios.runner import Clients, Result, run_scenario
from scenarios.upstream import leftovers
from tests.scenarios.conftest import sample_params

SCENARIOS = sample_params(all_scenarios(), lambda s: s)


def _explain(result: Result) -> str:
    return f"{result.scenario}: {result.error} {result.cleanup_failures}"


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.id)
def test_runs_and_cleans_up_on_moto(
    scenario: Scenario, moto_clients: Clients, moto_url: str
) -> None:
    result = run_scenario(scenario, moto_clients)
    assert result.ok, _explain(result)
    assert result.outcomes, "a scenario must make requests"
    assert leftovers(moto_url) == {}


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.id)
def test_runs_and_cleans_up_on_serve(
    scenario: Scenario, serve_clients: Clients, serve_server: BackgroundServer
) -> None:
    result = run_scenario(scenario, serve_clients)
    assert result.ok, _explain(result)
    assert leftovers(serve_server.url) == {}
