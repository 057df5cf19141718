"""LambdaModel: the Lambda state model and its local runtime, as the serve machinery loads it."""

from __future__ import annotations

import atexit
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from awsrec.aws.errors import AwsError
from awsrec.cassette import Interaction
from replayer.state.base import ServeResponse
from replayer.state.lambda_ import apigw, seed
from replayer.state.lambda_.invoke import InvokeOps
from replayer.state.lambda_.runtime.worker import Outcome


class LambdaModel(InvokeOps):
    """Functions, versions, aliases, policies and tags; Python functions run in warm workers."""

    def __init__(self, state_dir: Path | None = None, account: str = "000000000000") -> None:
        super().__init__(state_dir, account)
        # The front has no SigV4 scope to say the region; the region of the last AWS request.
        self.region = "us-east-1"
        self.notes: list[str] = []  # what was accepted but not emulated (Layers, ...)
        self._background = set()
        self._w0 = seed.World0()
        self.recorded_invokes = seed.RecordedInvokes()
        atexit.register(self.close)

    def seed(self, interactions: Iterable[Interaction]) -> None:
        self._w0, self.recorded_invokes = seed.world0(interactions)
        if not self.store.seeded():
            self._apply_w0()

    def _apply_w0(self) -> None:
        self.store.functions.update(self._w0.functions())
        self.store.save()

    def reset(self) -> None:
        self.close_runtime()
        self.store.clear()
        self.recorded_invokes.reset()
        self.notes.clear()
        self._apply_w0()

    def dump(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"functions": self.store.dump()}
        if self.notes:
            doc["notes"] = list(self.notes)
        if self.pool is not None:
            doc["runtime"] = {"cold_starts": self.pool.cold_starts, "limit": self.pool.limit}
        return doc

    def close(self) -> None:
        """The server is stopping: cancel Event invocations, kill every worker, drop code."""
        for job in list(self._background):
            job.cancel()
        self.close_runtime()
        if self.code_cache is not None:
            self.code_cache.close()
            self.code_cache = None
        atexit.unregister(self.close)  # closed once is enough; and the model can be freed

    async def apigw(self, req: apigw.HttpRequest, body: bytes) -> ServeResponse:
        """The API Gateway v1 front: /_awsrec/apigw/FUNCTION[:QUALIFIER]/path?query."""
        name, path = apigw.split_path(req.raw_path)
        base, _, qualifier = name.partition(":")
        try:
            target = self.resolve(self.region, base, qualifier or None)
            payload = json.dumps(apigw.event(req, path, body, self.account)).encode()
            outcome: Outcome = await self.run(target, payload, req.host, self.region)
        except AwsError as err:
            return apigw.gateway_error(
                502 if err.code != "ResourceNotFoundException" else 404,
                err.message if err.code == "ResourceNotFoundException" else "Internal server error",
                err.code,
            )
        if outcome.kind != "ok":
            return apigw.gateway_error(502, "Internal server error", "InternalServerErrorException")
        return apigw.response(outcome.body)
