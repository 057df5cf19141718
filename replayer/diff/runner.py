"""Replay cassettes against targets: W0, isolation, re-binding, comparison, calibration, cleanup."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from awsrec.cassette import Cassette, Interaction, Response
from awsrec.cassette_io import cassette_files, load_cassette
from awsrec.normalize import Normaliser, RuleSet
from replayer.diff.accounts import AccountMap, needs_account, target_account
from replayer.diff.bodies import printable
from replayer.diff.client import TargetClient, TargetError
from replayer.diff.compare import compare_responses
from replayer.diff.framing import reframe
from replayer.diff.ignore import Ignore
from replayer.diff.isolate import Isolation
from replayer.diff.model import DiffSettings, InteractionResult, Shown, Target, TargetRun
from replayer.diff.rebind import Bindings
from replayer.diff.seed import cleanup, seed_world
from replayer.diff.world import plan_world

Progress = Callable[[int], None]


@dataclass(slots=True)
class Source:
    """One cassette to replay: its name in reports and its content."""

    name: str
    cassette: Cassette


def load_sources(paths: list[Path]) -> list[Source]:
    """Cassette files (directories expanded) loaded in order."""
    return [Source(p.stem if p.suffix == ".awsrec" else p.name, load_cassette(p))
            for p in cassette_files(paths)]  # fmt: skip


@dataclass(slots=True)
class _Replay:
    """One pass of one cassette on one target: the target's answers, names mapped back."""

    answers: list[Response | TargetError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _accounts(
    interactions: list[Interaction], target: Target, region: str, warnings: list[str]
) -> AccountMap | None:
    if not needs_account(interactions):
        return None  # most cassettes: no STS call
    account = target_account(target, region, warnings)
    return AccountMap(account) if account else None


def _replay_once(
    source: Source, target: Target, region: str, settings: DiffSettings, progress: Progress
) -> _Replay:
    interactions = source.cassette.interactions
    iso = Isolation.for_interactions(interactions)
    out = _Replay()
    client = TargetClient(target, region, settings.timeout_s)
    down = client.unreachable()
    try:
        accounts = None
        if down is None:
            seed_world(plan_world(interactions), iso, target, region, out.warnings)
            accounts = _accounts(interactions, target, region, out.warnings)
        else:
            out.warnings.append(f"{down}; nothing seeded")
        bindings = Bindings()
        for interaction in interactions:
            request = bindings.apply(iso.request(interaction))
            if accounts is not None:
                request = accounts.request(interaction, request)
            try:
                raw = client.send(interaction.service, reframe(request, interaction.flags))
            except TargetError as e:
                out.answers.append(e)
            else:
                answer = iso.response(raw, head=request.method == "HEAD")
                bindings.learn(interaction.response, answer)
                out.answers.append(answer)
            progress(1)
    finally:
        client.close()
        if down is None:
            cleanup(iso, target, region, out.warnings)
    return out


def _shown(response: Response) -> Shown:
    return Shown(response.status, list(response.headers), printable(response.body))


def _compare(
    source: Source, replay: _Replay, settings: DiffSettings, ignore: Ignore, rules: RuleSet | None
) -> list[InteractionResult]:
    # Both sides normalised alike (ARCHITECTURE.md, "Diff semantics"). Normalising is
    # idempotent, so a cassette normalised when it was recorded is unchanged by its own rules
    # and still gets the user's --rules (tests/replayer/diff/test_normalise_twice.py).
    recorded_side, target_side = Normaliser(rules), Normaliser(rules)
    results: list[InteractionResult] = []
    for interaction, answer in zip(source.cassette.interactions, replay.answers, strict=True):
        if not settings.selects(interaction.service, interaction.operation):
            continue
        result = InteractionResult(
            source.name, interaction.seq, interaction.service, interaction.operation
        )
        svc, op = interaction.service, interaction.operation
        expected = recorded_side.normalise_response(svc, op, interaction.response)
        result.expected = _shown(expected)
        if isinstance(answer, TargetError):
            result.error = str(answer)
        else:
            actual = target_side.normalise_response(svc, op, answer)
            result.actual = _shown(actual)
            result.differences = compare_responses(svc, op, expected, actual, ignore=ignore)
        results.append(result)
    return results


def _noisy_places(
    interaction: Interaction, first: Response, second: Response, rules: RuleSet | None
) -> set[str]:
    """Places where two replays of the same request answered differently: noise."""
    svc, op = interaction.service, interaction.operation
    a = Normaliser(rules).normalise_response(svc, op, first)
    b = Normaliser(rules).normalise_response(svc, op, second)
    return {d.where for d in compare_responses(svc, op, a, b)}


def _calibrate(
    source: Source,
    results: list[InteractionResult],
    first: _Replay,
    second: _Replay,
    rules: RuleSet | None,
) -> None:
    by_seq = {r.seq: r for r in results}
    pairs = zip(source.cassette.interactions, first.answers, second.answers, strict=True)
    for interaction, a, b in pairs:
        result = by_seq.get(interaction.seq)
        if result is None or isinstance(a, TargetError) or isinstance(b, TargetError):
            continue
        noisy = _noisy_places(interaction, a, b, rules)
        if noisy:
            result.noise = [d for d in result.differences if d.where in noisy]
            result.differences = [d for d in result.differences if d.where not in noisy]


def diff_cassette(
    source: Source,
    target: Target,
    settings: DiffSettings,
    progress: Progress,
    rules: RuleSet | None = None,
) -> tuple[list[InteractionResult], list[str]]:
    """Replay one cassette on one target (twice with --calibrate) and compare every answer."""
    region = settings.region or source.cassette.header.region or "us-east-1"
    ignore = Ignore.parse(settings.ignore)
    first = _replay_once(source, target, region, settings, progress)
    results = _compare(source, first, settings, ignore, rules)
    warnings = [f"{source.name}: {w}" for w in first.warnings]
    if settings.calibrate:
        second = _replay_once(source, target, region, settings, progress)
        _calibrate(source, results, first, second, rules)
    return results, warnings


def total_steps(sources: list[Source], settings: DiffSettings) -> int:
    """Requests a run will send (for progress bars)."""
    per_target = sum(len(s.cassette.interactions) for s in sources)
    return per_target * len(settings.targets) * (2 if settings.calibrate else 1)


def run_diff(
    sources: list[Source],
    settings: DiffSettings,
    progress: Progress | None = None,
    rules: RuleSet | None = None,
) -> list[TargetRun]:
    """Replay every cassette against every target (`settings.jobs` cassettes at a time)."""
    tick: Progress = progress or (lambda _n: None)
    runs = [TargetRun(t) for t in settings.targets]
    tasks = [(run, s) for run in runs for s in sources]
    with ThreadPoolExecutor(max_workers=max(1, settings.jobs)) as pool:
        futures = [pool.submit(diff_cassette, s, run.target, settings, tick, rules)
                   for run, s in tasks]  # fmt: skip
        for (run, _), future in zip(tasks, futures, strict=True):
            results, warnings = future.result()
            run.results.extend(results)
            run.warnings.extend(warnings)
    return runs
