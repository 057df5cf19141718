"""Strict mode: every request must match the next recorded interaction of its cassette."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from replayer.server.conform import Conformer
from replayer.server.recordings import Recordings
from replayer.state.base import ServeRequest, ServeResponse, ServiceModel


class StrictMatcher:
    """Cursor per cassette; mismatches are kept for GET /_awsrec/unmatched."""

    def __init__(self, recordings: Recordings) -> None:
        self.recordings = recordings
        self.unmatched: list[dict[str, Any]] = []

    def reset(self) -> None:
        self.unmatched.clear()

    async def answer(
        self,
        request: ServeRequest,
        model: ServiceModel | None,
        conformer: Conformer,
        error: Callable[..., ServeResponse],
    ) -> tuple[ServeResponse, str]:
        raise NotImplementedError
