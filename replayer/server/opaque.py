"""Opaque operations: exact match against recordings, replayed in sequence."""

from __future__ import annotations

from replayer.server.conform import Conformer
from replayer.server.recordings import Recordings
from replayer.state.base import ServeRequest, ServeResponse


class OpaqueReplay:
    """A request recorded n times returns its n responses in order, then repeats the last."""

    def __init__(self, recordings: Recordings) -> None:
        self.recordings = recordings

    def reset(self) -> None:
        pass

    async def answer(
        self, request: ServeRequest, conformer: Conformer
    ) -> tuple[ServeResponse | None, str]:
        return None, "recording"
