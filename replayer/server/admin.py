"""The admin API under /_awsrec/: health, reset, state, journal, unmatched, faults."""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable
from typing import Any

import awsrec
from replayer.server.asgi import Incoming
from replayer.server.config import ServeConfig
from replayer.server.faults import faults_route
from replayer.server.journal import Journal
from replayer.server.pipeline import Pipeline
from replayer.state.base import ServeResponse

PREFIX = "/_awsrec/"
_LOOPBACK = ("127.", "::1", "::ffff:127.")


def _json(status: int, doc: Any) -> ServeResponse:
    body = json.dumps(doc, separators=(",", ":"), default=str).encode()
    return ServeResponse(status, [("Content-Type", "application/json")], body)


class Admin:
    """Routes admin requests; only loopback clients, or any client with the admin token."""

    def __init__(self, config: ServeConfig, pipeline: Pipeline, journal: Journal) -> None:
        self.config = config
        self.pipeline = pipeline
        self.journal = journal
        self.routes: dict[tuple[str, str], Callable[[], ServeResponse]] = {
            ("GET", "health"): self.health,
            ("POST", "reset"): self.reset,
            ("GET", "state"): self.state,
            ("GET", "journal"): self.journal_view,
            ("GET", "unmatched"): self.unmatched,
        }

    def allowed(self, inc: Incoming) -> bool:
        token = self.config.admin_token
        if token is not None:
            given = next((v for k, v in inc.headers if k == "x-awsrec-admin-token"), "")
            return hmac.compare_digest(given.encode(), token.encode())
        return inc.client.startswith(_LOOPBACK) or inc.client == "localhost"

    def handle(self, inc: Incoming, body: bytes = b"") -> ServeResponse:
        if not self.allowed(inc):
            return _json(
                403, {"error": "admin API is for loopback clients or x-awsrec-admin-token"}
            )
        name = inc.path[len(PREFIX) :].strip("/")
        if name == "faults" or name.startswith("faults/"):
            rest = name[len("faults/") :] if "/" in name else ""
            return _json(*faults_route(self.pipeline.faults, inc.method, rest, body))
        route = self.routes.get((inc.method, name))
        if route is None:
            known = sorted(f"{m} {PREFIX}{n}" for m, n in self.routes)
            return _json(404, {"error": f"no admin route {inc.method} {inc.path}", "routes": known})
        return route()

    def health(self) -> ServeResponse:
        doc = {
            "status": "ok",
            "services": self.pipeline.world.services(),
            "version": awsrec.__version__,
            "strict": self.config.strict,
            "account": self.config.account,
            "region": self.config.region,
        }
        return _json(200, doc)

    def reset(self) -> ServeResponse:
        self.pipeline.reset()
        self.journal.clear()
        return _json(200, {"status": "reset"})

    def state(self) -> ServeResponse:
        return _json(200, self.pipeline.world.dump())

    def journal_view(self) -> ServeResponse:
        return _json(200, self.journal.dump())

    def unmatched(self) -> ServeResponse:
        strict = self.pipeline.strict
        return _json(200, list(strict.unmatched) if strict is not None else [])
