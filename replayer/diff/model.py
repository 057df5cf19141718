"""The diff engine's data: targets, settings, differences, severities, interaction results."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Severity(enum.IntEnum):
    """How much a difference matters to an SDK user; an interaction fails on critical or major."""

    INFO = 0  # extra fields or headers the recording does not have
    MINOR = 1  # message wording, header value format, element order
    MAJOR = 2  # different status, missing contract header, body shape or data
    CRITICAL = 3  # success vs error, different error code or status class

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        return cls[text.upper()]


FAILING = frozenset({Severity.CRITICAL, Severity.MAJOR})


@dataclass(frozen=True, slots=True)
class Difference:
    """One way the target's response differs from the recorded one.

    `where` names the place: "status", "error.code", "error.message", "header:ETag",
    "body" or "body:ListBucketResult.Contents[0].Key" (JSON/XML path, list indices in brackets).
    """

    severity: Severity
    kind: str
    where: str
    expected: str | None = None
    actual: str | None = None

    def describe(self) -> str:
        change = f"{self.expected!r} -> {self.actual!r}"
        return f"{self.severity.label} {self.kind} at {self.where}: {change}"


@dataclass(frozen=True, slots=True)
class Target:
    """An endpoint under test and the credentials requests are re-signed with."""

    name: str
    url: str
    access_key: str = "test"
    secret_key: str = "test"
    session_token: str | None = None


@dataclass(frozen=True, slots=True)
class Shown:
    """A response as shown in reports: status, headers and a printable, truncated body."""

    status: int
    headers: list[tuple[str, str]]
    body: str


@dataclass(slots=True)
class InteractionResult:
    """The comparison of one recorded interaction with the target's answer."""

    cassette: str
    seq: int
    service: str
    operation: str
    differences: list[Difference] = field(default_factory=list)
    # Differences that varied between two replays (--calibrate): reported, never failing.
    noise: list[Difference] = field(default_factory=list)
    expected: Shown | None = None
    actual: Shown | None = None
    # Set when the request could not be replayed at all (connection refused, ...).
    error: str | None = None

    @property
    def key(self) -> str:
        return f"{self.service}/{self.operation}"

    @property
    def passed(self) -> bool:
        return self.error is None and not any(d.severity in FAILING for d in self.differences)

    @property
    def worst(self) -> Severity | None:
        if self.error is not None:
            return Severity.CRITICAL
        return max((d.severity for d in self.differences), default=None)


@dataclass(slots=True)
class TargetRun:
    """Everything one target produced for a set of cassettes."""

    target: Target
    results: list[InteractionResult] = field(default_factory=list)
    # Problems that are not comparisons: a world that could not be seeded, a cleanup that failed.
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class DiffSettings:
    """Options of one `awsrec diff` run, as one typed value."""

    targets: tuple[Target, ...]
    only: tuple[str, ...] = ()  # "service" or "service/Operation" filters; empty: everything
    ignore: tuple[str, ...] = ()  # "header:NAME" or body paths ("Table.TableArn", "*.Owner")
    calibrate: bool = False
    jobs: int = 1
    region: str | None = None  # default: the cassette header's region
    timeout_s: float = 30.0

    def selects(self, service: str, operation: str) -> bool:
        if not self.only:
            return True
        return any(o in (service, f"{service}/{operation}") for o in self.only)
