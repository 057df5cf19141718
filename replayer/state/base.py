"""The contract between the serve machinery and the service state models.

A model owns one service's state (buckets/objects, tables/items, functions). The server core
detects service and operation, builds a `ServeRequest`, and calls `model.handle(request)`. The
model decides the outcome: it returns a `ServeResponse` (success) or raises
`awsrec.aws.errors.AwsError` (an AWS error). The core then gives the response AWS's exact form
from a recording of the same operation and outcome, when one exists.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from awsrec.cassette import Interaction

Pairs = list[tuple[str, str]]


class Headers:
    """Case-insensitive, order-keeping multi-map of request headers."""

    __slots__ = ("_first", "_items")

    def __init__(self, items: Iterable[tuple[str, str]] = ()) -> None:
        self._items: Pairs = list(items)
        # First value per lower-cased name, built once: models look headers up many times per
        # request, and this is on every request's hot path.
        first: dict[str, str] = {}
        for key, value in reversed(self._items):
            first[key.lower()] = value
        self._first = first

    def get(self, name: str, default: str | None = None) -> str | None:
        return self._first.get(name.lower(), default)

    def get_all(self, name: str) -> list[str]:
        lname = name.lower()
        return [v for k, v in self._items if k.lower() == lname]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._first

    def items(self) -> Pairs:
        return list(self._items)

    def with_prefix(self, prefix: str) -> Pairs:
        """Headers whose lower-cased name starts with `prefix` (e.g. 'x-amz-meta-')."""
        p = prefix.lower()
        return [(k, v) for k, v in self._items if k.lower().startswith(p)]


class Body:
    """A request body that is read once, either whole or as a stream of chunks."""

    __slots__ = ("_consumed", "_data", "_receive")

    def __init__(self, receive: Callable[[], Awaitable[bytes | None]]) -> None:
        # `receive` returns the next chunk, or None at the end of the body.
        self._receive = receive
        self._consumed = False
        self._data: bytes | None = None  # a body already in memory (from_bytes)

    @classmethod
    def from_bytes(cls, data: bytes) -> Body:
        body = cls(_no_more)
        body._data = data
        return body

    def _take(self) -> bytes | None:
        if self._consumed:
            raise RuntimeError("request body already consumed")
        self._consumed = True
        data, self._data = self._data, None
        return data

    async def chunks(self) -> AsyncIterator[bytes]:
        data = self._take()
        if data:
            yield data
        while (chunk := await self._receive()) is not None:
            if chunk:
                yield chunk

    async def read(self) -> bytes:
        # Not through chunks(): JSON APIs read every body whole, and an async generator per
        # request is measurable on the serve hot path.
        data = self._take()
        if data is not None:
            return data
        parts = []
        while (chunk := await self._receive()) is not None:
            parts.append(chunk)
        return parts[0] if len(parts) == 1 else b"".join(parts)


async def _no_more() -> bytes | None:
    return None


@dataclass(slots=True)
class ServeRequest:
    """One request as a state model sees it: identified, decoded and ready to apply."""

    service: str
    operation: str
    method: str
    path: str  # canonical, percent-decoded; S3 always path-style: /bucket/key
    query: Pairs  # percent-decoded, in wire order
    headers: Headers
    labels: dict[str, str]  # URI labels from the model's requestUri, decoded (Bucket, Key, ...)
    body: Body
    region: str = "us-east-1"
    account: str = "000000000000"
    request_id: str = ""
    host: str = "127.0.0.1:4566"
    # Facts the core keeps about the request, e.g. {"addressing": "virtual"} for S3.
    flags: dict[str, Any] = field(default_factory=dict)

    def query_get(self, name: str, default: str | None = None) -> str | None:
        for key, value in self.query:
            if key == name:
                return value
        return default


@dataclass(slots=True)
class ServeResponse:
    """A model's answer. `outcome` is "ok" or the AWS error code, and picks the recording."""

    status: int = 200
    headers: Pairs = field(default_factory=list)
    body: bytes | AsyncIterator[bytes] = b""
    outcome: str = "ok"


Handler = Callable[[Any, ServeRequest], Awaitable[ServeResponse]]
H = TypeVar("H", bound=Handler)


def handles(*operations: str) -> Callable[[H], H]:
    """Register a model method as the handler of AWS operations, by their AWS names."""

    def mark(fn: H) -> H:
        fn.__awsrec_operations__ = operations  # type: ignore[attr-defined]
        return fn

    return mark


class ServiceModel:
    """Base of a service's state model; subclasses register handlers with `@handles`."""

    service: ClassVar[str] = ""
    _handlers: ClassVar[dict[str, str]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        found: dict[str, str] = {}
        for klass in reversed(cls.__mro__):
            for attr, value in vars(klass).items():
                for op in getattr(value, "__awsrec_operations__", ()):
                    found[op] = attr
        cls._handlers = found

    def __init__(self, state_dir: Path | None = None, account: str = "000000000000") -> None:
        # state_dir is None for the memory backend; otherwise the model persists under it
        # with atomic writes (see awsrec.atomic) so kill -9 never leaves torn state.
        self.state_dir = state_dir
        self.account = account

    @classmethod
    def operations(cls) -> frozenset[str]:
        return frozenset(cls._handlers)

    async def handle(self, request: ServeRequest) -> ServeResponse:
        """Apply `request` to the world; raise AwsError for an AWS error outcome."""
        method: Handler = getattr(self, self._handlers[request.operation]).__func__
        return await method(self, request)

    def seed(self, interactions: Iterable[Interaction]) -> None:
        """Build world W0: resources read successfully before the cassette creates them."""

    def reset(self) -> None:
        """Return to W0."""

    def dump(self) -> dict[str, Any]:
        """A JSON-able view of the current state, for GET /_awsrec/state."""
        return {}

    def close(self) -> None:
        """The server is stopping: stop what the model runs (processes, background tasks).

        Called on the server's event loop, once connections stop being accepted; idempotent.
        """


# Models are imported lazily, so serving S3 never imports the Lambda runtime.
MODEL_PATHS: dict[str, str] = {
    "s3": "replayer.state.s3:S3Model",
    "dynamodb": "replayer.state.dynamodb:DynamoDBModel",
    "lambda": "replayer.state.lambda_:LambdaModel",
}
