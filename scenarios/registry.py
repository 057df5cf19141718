"""The scenario registry: declaring probes, their generated cases, tags, and selecting them."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from awsrec.errors import UsageError

if TYPE_CHECKING:
    from scenarios.context import Ctx

SERVICES = ("s3", "dynamodb", "lambda")
# Modules that declare scenarios; importing them fills the registry (order is listing order).
MODULES = (
    "scenarios.s3.buckets",
    "scenarios.s3.objects",
    "scenarios.s3.ranges",
    "scenarios.s3.conditional",
    "scenarios.s3.listing",
    "scenarios.s3.multipart",
    "scenarios.s3.checksums",
    "scenarios.s3.copy",
    "scenarios.dynamodb.conditions",
    "scenarios.dynamodb.updates",
    "scenarios.dynamodb.validation",
    "scenarios.dynamodb.queries",
    "scenarios.dynamodb.batch",
    "scenarios.dynamodb.transactions",
    "scenarios.dynamodb.numbers",
    "scenarios.lambda_.functions",
    "scenarios.lambda_.invoke",
)

Probe = Callable[["Ctx"], None]


@dataclass(frozen=True, slots=True)
class Scenario:
    """One independent probe: `service/feature/name[-case]`, run with its own seeded rng."""

    id: str
    service: str
    feature: str
    tags: frozenset[str]
    summary: str
    probe: Probe
    case: int = 0

    def has(self, tag: str) -> bool:
        return tag in self.tags or tag in (self.service, self.feature)


_REGISTRY: dict[str, Scenario] = {}


def scenario(
    service: str, feature: str, *tags: str, cases: int = 1, name: str | None = None
) -> Callable[[Probe], Probe]:
    """Register `fn` as scenario SERVICE/FEATURE/NAME, or as `cases` generated cases NAME-1..n.

    Each case gets its own rng (seeded from the run's seed and the case's id), so cases draw
    different parameters from the same space and a run is reproducible for a given seed.
    """
    if service not in SERVICES:
        raise ValueError(f"unknown service {service!r}")

    def register(fn: Probe) -> Probe:
        base = name or fn.__name__.strip("_").replace("_", "-")
        summary = (fn.__doc__ or "").strip().splitlines()[0] if fn.__doc__ else base
        for case in range(1, cases + 1):
            sid = f"{service}/{feature}/{base}" + (f"-{case}" if cases > 1 else "")
            if sid in _REGISTRY:
                raise ValueError(f"scenario {sid} declared twice")
            all_tags = frozenset((feature, *tags))
            _REGISTRY[sid] = Scenario(sid, service, feature, all_tags, summary, fn, case)
        return fn

    return register


def all_scenarios() -> list[Scenario]:
    """Every built-in scenario, in declaration order."""
    for module in MODULES:
        importlib.import_module(module)
    return list(_REGISTRY.values())


def parse_selection(text: str) -> list[tuple[str, str | None]]:
    """`s3,dynamodb:conditions` -> [("s3", None), ("dynamodb", "conditions")]; `all` is all."""
    chosen: list[tuple[str, str | None]] = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        service, _, tag = item.partition(":")
        names = SERVICES if service == "all" else (service,)
        for name in names:
            if name not in SERVICES:
                raise UsageError(f"unknown service {name!r} (known: {', '.join(SERVICES)})")
            chosen.append((name, tag or None))
    if not chosen:
        raise UsageError("--scenarios needs SERVICE[:TAG][,...]")
    return chosen


def select(
    selection: str | None = None,
    skip: Iterable[str] = (),
    service: str | None = None,
    tag: str | None = None,
) -> list[Scenario]:
    """Scenarios picked by `selection` (`s3,dynamodb:TAG`), `service`, `tag`, minus `skip` tags.

    `skip` names tags or features (`multipart,checksums`): an older or partial emulator
    lacking a feature still runs everything else.
    """
    found = all_scenarios()
    if selection:
        wanted = parse_selection(selection)
        found = [s for s in found if any(_picks(s, svc, t) for svc, t in wanted)]
    if service is not None:
        if service not in SERVICES:
            raise UsageError(f"unknown service {service!r} (known: {', '.join(SERVICES)})")
        found = [s for s in found if s.service == service]
    if tag is not None:
        found = [s for s in found if s.has(tag)]
    skipped = {t.strip() for t in skip if t.strip()}
    return [s for s in found if not any(s.has(t) for t in skipped)]


def _picks(s: Scenario, service: str, tag: str | None) -> bool:
    return s.service == service and (tag is None or s.has(tag))


def parse_skip(text: str | None) -> list[str]:
    return [t.strip() for t in (text or "").split(",") if t.strip()]
