"""The parts of a fault rule (match, when, each action) and the validation of each part."""

from __future__ import annotations

import difflib
import fnmatch
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from awsrec.aws import botocore_adapter
from replayer.server.faults.codes import FAULT_CODES
from replayer.server.faults.source import Path_, Source

__all__ = ["Path_"]


@dataclass(frozen=True, slots=True)
class Glob:
    """A shell-style pattern (`*`, `?`, `[...]`), case-sensitive as AWS names are."""

    text: str
    regex: re.Pattern[str]
    exact: str | None  # the text when it has no wildcard: compared, not matched (hot path)

    @classmethod
    def of(cls, text: str) -> Glob:
        literal = not any(c in text for c in "*?[")
        return cls(text, re.compile(fnmatch.translate(text)), text if literal else None)

    @property
    def literal(self) -> bool:
        return self.exact is not None

    def __call__(self, value: str) -> bool:
        if self.exact is not None:
            return value == self.exact
        return self.regex.match(value) is not None


@dataclass(frozen=True, slots=True)
class Match:
    """Which requests a rule looks at; an empty field matches everything."""

    service: tuple[Glob, ...] = ()
    operation: tuple[Glob, ...] = ()
    method: tuple[Glob, ...] = ()
    bucket: tuple[Glob, ...] = ()
    key: tuple[Glob, ...] = ()
    table: tuple[Glob, ...] = ()
    function: tuple[Glob, ...] = ()
    headers: tuple[tuple[str, Glob], ...] = ()  # lower-cased name, value pattern ("*": present)


@dataclass(frozen=True, slots=True)
class When:
    """Which of the matching requests fire; every condition given must hold."""

    probability: float | None = None
    seed: int | None = None
    nth: int | None = None
    every: int | None = None
    after: int | None = None
    first: int | None = None
    window: tuple[float, float | None] | None = None  # seconds since the rule was loaded


@dataclass(frozen=True, slots=True)
class ErrorDo:
    """Answer with this AWS error instead of the real answer."""

    code: str
    status: int | None = None
    message: str | None = None
    retry_after: int | None = None


@dataclass(frozen=True, slots=True)
class Unprocessed:
    """Leave this fraction of a DynamoDB batch unprocessed."""

    fraction: float


@dataclass(frozen=True, slots=True)
class Cut:
    """End the connection: before headers (after_bytes None) or after that many body bytes."""

    after_bytes: int | None
    reset: bool  # True: RST (reset); False: orderly close (truncate)


@dataclass(frozen=True, slots=True)
class Stall:
    """Send the headers, then nothing, until the client gives up (or `seconds` pass)."""

    seconds: float = 600.0


@dataclass(frozen=True, slots=True)
class Delay:
    """Wait before answering: `ms`, with jitter drawn from the rule's seeded generator."""

    ms: float
    jitter: str = "fixed"  # fixed | uniform (ms +- jitter_ms) | lognormal (median ms, sigma)
    jitter_ms: float = 0.0
    sigma: float = 0.0


@dataclass(frozen=True, slots=True)
class Bandwidth:
    """Body bytes per second, for the request and the response."""

    request: int | None = None
    response: int | None = None


@dataclass(frozen=True, slots=True)
class Do:
    """What a rule injects: at most one of error/unprocessed/cut/stall, plus delay/bandwidth."""

    error: ErrorDo | None = None
    unprocessed: Unprocessed | None = None
    cut: Cut | None = None
    stall: Stall | None = None
    delay: Delay | None = None
    bandwidth: Bandwidth | None = None


def kind(value: Any) -> str:
    """How a YAML/JSON value reads in a message."""
    if value is None:
        return "nothing"
    return {
        bool: "a boolean", int: "an integer", float: "a number", str: "a string",
        list: "a list", dict: "a mapping",
    }.get(type(value), type(value).__name__)  # fmt: skip


def unknown_fields(src: Source, path: Path_, raw: dict[Any, Any], known: tuple[str, ...]) -> None:
    """Refuse a field the schema does not have, suggesting the nearest known one."""
    for key in raw:
        if key not in known:
            near = difflib.get_close_matches(str(key), known, n=1)
            hint = f" (did you mean {near[0]!r}?)" if near else f"; known: {', '.join(known)}"
            raise src.fail((*path, str(key)), f"unknown field {key!r}{hint}")


def _mapping(src: Source, path: Path_, raw: Any, known: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise src.fail(path, f"expected a mapping ({', '.join(known)}), got {kind(raw)}")
    unknown_fields(src, path, raw, known)
    return raw


def _number(src: Source, path: Path_, raw: Any, low: float, high: float | None = None) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise src.fail(path, f"expected a number, got {kind(raw)}")
    if raw < low or (high is not None and raw > high):
        bound = f"between {low:g} and {high:g}" if high is not None else f"at least {low:g}"
        raise src.fail(path, f"expected a number {bound}, got {raw}")
    return float(raw)


def _count(src: Source, path: Path_, raw: Any, low: int = 1) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise src.fail(path, f"expected an integer, got {kind(raw)}")
    if raw < low:
        raise src.fail(path, f"expected an integer of at least {low}, got {raw}")
    return raw


_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(B|KB|KiB|MB|MiB|GB|GiB)?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "b": 1, "kb": 1000, "kib": 1024, "mb": 10**6, "mib": 2**20}
_UNITS |= {"gb": 10**9, "gib": 2**30}


def size(src: Source, path: Path_, raw: Any, low: int = 0) -> int:
    """Bytes, as an integer or a string with a unit: 65536, "64 KiB", "1MiB", "2 MB"."""
    if isinstance(raw, str):
        found = _SIZE.match(raw)
        if found is None:
            raise src.fail(path, f"expected bytes like 65536 or '1 MiB', got {raw!r}")
        raw = int(float(found.group(1)) * _UNITS[(found.group(2) or "").lower()])
    return _count(src, path, raw, low)


def _globs(src: Source, path: Path_, raw: Any) -> tuple[Glob, ...]:
    items = raw if isinstance(raw, list) else [raw]
    if not items:
        raise src.fail(path, "expected a pattern or a non-empty list of patterns")
    for i, item in enumerate(items):
        if not isinstance(item, str) or not item:
            where = (*path, i) if isinstance(raw, list) else path
            raise src.fail(where, f"expected a pattern (a string), got {kind(item)}")
    return tuple(Glob.of(item) for item in items)


_MATCH = ("service", "operation", "method", "bucket", "key", "table", "function", "headers")


def match(src: Source, path: Path_, raw: Any) -> Match:
    """Validate `match`; literal services and operations must be ones botocore knows."""
    raw = _mapping(src, path, raw, _MATCH)
    found = {name: _globs(src, (*path, name), raw[name]) for name in _MATCH[:-1] if name in raw}
    for i, glob in enumerate(found.get("service", ())):
        where = (*path, "service", i) if isinstance(raw["service"], list) else (*path, "service")
        if glob.literal:
            _operations_of(src, where, glob.text)
    services = [g.text for g in found.get("service", ()) if g.literal]
    if len(services) == 1 and len(found.get("service", ())) == 1:
        known = _operations_of(src, (*path, "service"), services[0])
        for i, glob in enumerate(found.get("operation", ())):
            if glob.literal and glob.text not in known:
                many = isinstance(raw["operation"], list)
                where = (*path, "operation", i) if many else (*path, "operation")
                near = difflib.get_close_matches(glob.text, known, n=1)
                hint = f" (did you mean {near[0]!r}?)" if near else ""
                raise src.fail(where, f"{services[0]} has no operation {glob.text!r}{hint}")
    if "method" in raw:
        found["method"] = tuple(Glob.of(g.text.upper()) for g in found["method"])
    headers = _headers(src, (*path, "headers"), raw["headers"]) if "headers" in raw else ()
    return Match(**found, headers=headers)


def _operations_of(src: Source, path: Path_, service: str) -> list[str]:
    try:
        return botocore_adapter.operation_names(service)
    except Exception as e:  # botocore's UnknownServiceError and friends
        raise src.fail(path, f"unknown AWS service {service!r} (botocore: {e})") from e


def _headers(src: Source, path: Path_, raw: Any) -> tuple[tuple[str, Glob], ...]:
    # A list names headers that must be present; a mapping also gives their value patterns.
    if isinstance(raw, str):
        raw = [raw]
    if isinstance(raw, list):
        raw = {name: "*" for name in raw}
    if not isinstance(raw, dict) or not raw:
        raise src.fail(path, f"expected header names or {{name: pattern}}, got {kind(raw)}")
    out = []
    for name, pattern in raw.items():
        if not isinstance(name, str) or not isinstance(pattern, str):
            raise src.fail((*path, str(name)), "expected a header name and a value pattern")
        out.append((name.lower(), Glob.of(pattern)))
    return tuple(out)


_WHEN = ("probability", "seed", "nth", "every", "after", "first", "window")


def when(src: Source, path: Path_, raw: Any) -> When:
    """Validate `when`: counts are of matching requests, 1-based; window is in seconds."""
    raw = _mapping(src, path, raw, _WHEN)
    probability = None
    if "probability" in raw:
        probability = _number(src, (*path, "probability"), raw["probability"], 0.0, 1.0)
    seed = raw.get("seed")
    if seed is not None:
        seed = _count(src, (*path, "seed"), seed, low=0)
    counts = {name: _count(src, (*path, name), raw[name], low=0 if name == "after" else 1)
              for name in ("nth", "every", "after", "first") if name in raw}  # fmt: skip
    window = _window(src, (*path, "window"), raw["window"]) if "window" in raw else None
    return When(probability, seed, window=window, **counts)


def _window(src: Source, path: Path_, raw: Any) -> tuple[float, float | None]:
    if isinstance(raw, list) and len(raw) == 2:
        raw = {"start": raw[0], "end": raw[1]}
    raw = _mapping(src, path, raw, ("start", "end"))
    start = _number(src, (*path, "start"), raw.get("start", 0), 0.0)
    end = raw.get("end")
    if end is not None:
        end = _number(src, (*path, "end"), end, start)
    return start, end


def error(src: Source, path: Path_, raw: Any, where: Match) -> ErrorDo:
    """Validate `error`: a code awsrec knows the status of, or any code with a `status`."""
    if isinstance(raw, str):
        raw = {"code": raw}
    raw = _mapping(src, path, raw, ("code", "status", "message", "retry_after"))
    code = raw.get("code")
    if not isinstance(code, str) or not re.fullmatch(r"[A-Za-z][A-Za-z0-9.]*", code):
        raise src.fail((*path, "code"), f"expected an AWS error code, got {code!r}")
    status = None
    if "status" in raw:
        status = int(_number(src, (*path, "status"), raw["status"], 400, 599))
    if code not in FAULT_CODES and status is None and not _modelled(where, code):
        near = difflib.get_close_matches(code, list(FAULT_CODES), n=1)
        hint = f"did you mean {near[0]!r}? " if near else ""
        raise src.fail(
            (*path, "code") if isinstance(raw.get("code"), str) else path,
            f"unknown error code {code!r}: {hint}give its status, or use one of "
            + ", ".join(sorted(FAULT_CODES)),
        )
    message = raw.get("message")
    if message is not None and not isinstance(message, str):
        raise src.fail((*path, "message"), f"expected a string, got {kind(message)}")
    retry = raw.get("retry_after")
    if retry is not None:
        retry = _count(src, (*path, "retry_after"), retry, low=0)
    return ErrorDo(code, status, message, retry)


def _modelled(where: Match, code: str) -> bool:
    services = [g.text for g in where.service if g.literal]
    return any(code in botocore_adapter.error_statuses(s) for s in services)


_BATCH = frozenset({"BatchWriteItem", "BatchGetItem"})


def unprocessed(src: Source, path: Path_, raw: Any, where: Match) -> Unprocessed:
    """Validate `unprocessed`: only for DynamoDB BatchWriteItem/BatchGetItem rules."""
    if isinstance(raw, dict):
        raw = _mapping(src, path, raw, ("fraction",)).get("fraction")
        path = (*path, "fraction")
    fraction = _number(src, path, raw, 0.0, 1.0)
    ops = {g.text for g in where.operation}
    if not ops or not ops <= _BATCH or any(not g.literal for g in where.operation):
        raise src.fail(path, "needs match.operation BatchWriteItem and/or BatchGetItem")
    return Unprocessed(fraction)


def reset(src: Source, path: Path_, raw: Any) -> Cut:
    """Validate `reset`: before_headers, after_headers, or {after_bytes: N} of the body."""
    if raw is True or raw == "after_headers":
        return Cut(0, reset=True)
    if raw == "before_headers":
        return Cut(None, reset=True)
    if isinstance(raw, dict):
        raw = _mapping(src, path, raw, ("after_bytes",))
        return Cut(size(src, (*path, "after_bytes"), raw.get("after_bytes")), reset=True)
    expected = "expected before_headers, after_headers or {after_bytes: N}"
    raise src.fail(path, f"{expected}, got {raw!r}")


def truncate(src: Source, path: Path_, raw: Any) -> Cut:
    """Validate `truncate`: body bytes sent before an orderly close."""
    if isinstance(raw, dict):
        raw = _mapping(src, path, raw, ("after_bytes",)).get("after_bytes")
        path = (*path, "after_bytes")
    return Cut(size(src, path, raw), reset=False)


def stall(src: Source, path: Path_, raw: Any) -> Stall:
    """Validate `stall`: true (until the client gives up, at most 600 s) or {seconds: N}."""
    if raw is True:
        return Stall()
    raw = _mapping(src, path, raw, ("seconds",))
    return Stall(_number(src, (*path, "seconds"), raw.get("seconds"), 0.0))


def delay(src: Source, path: Path_, raw: Any) -> Delay:
    """Validate `delay`: milliseconds, or {ms, jitter: fixed|uniform|lognormal, ...}."""
    if not isinstance(raw, dict):
        return Delay(_number(src, path, raw, 0.0))
    raw = _mapping(src, path, raw, ("ms", "jitter", "jitter_ms", "sigma"))
    ms = _number(src, (*path, "ms"), raw.get("ms"), 0.0)
    jitter = raw.get("jitter", "uniform" if "jitter_ms" in raw else "fixed")
    jitter_fields: dict[str, tuple[str, ...]] = {
        "fixed": (), "uniform": ("jitter_ms",), "lognormal": ("sigma",),
    }  # fmt: skip
    if jitter not in jitter_fields:
        raise src.fail((*path, "jitter"), f"expected fixed, uniform or lognormal, got {jitter!r}")
    for name in ("jitter_ms", "sigma"):
        if name in raw and name not in jitter_fields[jitter]:
            raise src.fail((*path, name), f"{name} does not apply to jitter {jitter}")
    jitter_ms = _number(src, (*path, "jitter_ms"), raw.get("jitter_ms", 0.0), 0.0)
    sigma = _number(src, (*path, "sigma"), raw.get("sigma", 0.5), 0.0, 5.0)
    return Delay(ms, jitter, jitter_ms, sigma)


def bandwidth(src: Source, path: Path_, raw: Any) -> Bandwidth:
    """Validate `bandwidth`: bytes/s for both bodies, or {request: N, response: N}."""
    rate: Callable[[Path_, Any], int] = lambda p, v: size(src, p, v, low=1)  # noqa: E731
    if not isinstance(raw, dict):
        both = rate(path, raw)
        return Bandwidth(both, both)
    raw = _mapping(src, path, raw, ("request", "response"))
    if not raw:
        raise src.fail(path, "expected request and/or response bytes per second")
    request = rate((*path, "request"), raw["request"]) if "request" in raw else None
    response = rate((*path, "response"), raw["response"]) if "response" in raw else None
    return Bandwidth(request, response)
