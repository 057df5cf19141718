"""Form from recordings: give a model's answer the header order, layout and wording AWS used."""

from __future__ import annotations

from replayer.server.recordings import Recordings
from replayer.state.base import ServeRequest, ServeResponse


class Conformer:
    """Finds the recorded response of the same operation and outcome and conforms to it."""

    def __init__(self, recordings: Recordings) -> None:
        self.recordings = recordings

    def conform(self, request: ServeRequest, resp: ServeResponse) -> tuple[ServeResponse, str]:
        """(response, source): source is "recording" when a recording gave the form."""
        return resp, "model"
