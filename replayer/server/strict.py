"""Strict mode: every request must match the next recorded interaction of its cassette."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from awsrec.matching import Probe, failed_matchers, probe_recorded
from replayer.server import awsapi
from replayer.server.conform import Conformer
from replayer.server.opaque import live_probe
from replayer.server.recordings import Recorded, Recordings
from replayer.state.base import ServeRequest, ServeResponse, ServiceModel

log = logging.getLogger("awsrec.serve")

ErrorRenderer = Callable[[str, str, str, Any, bool], ServeResponse]
MISMATCH = "AwsrecStrictMismatch"


class StrictMatcher:
    """A cursor per cassette; mismatches are kept for GET /_awsrec/unmatched."""

    def __init__(self, recordings: Recordings) -> None:
        self.cassettes = recordings.cassettes
        self.probes = [[probe_recorded(r.interaction) for r in items] for items in self.cassettes]
        self.cursors = [0] * len(self.cassettes)
        self.unmatched: list[dict[str, Any]] = []

    def reset(self) -> None:
        self.cursors = [0] * len(self.cassettes)
        self.unmatched.clear()

    async def answer(
        self,
        request: ServeRequest,
        model: ServiceModel | None,
        conformer: Conformer,
        error: ErrorRenderer,
    ) -> tuple[ServeResponse, str]:
        live, body = await live_probe(request)
        for ci, cursor in enumerate(self.cursors):
            if cursor < len(self.probes[ci]) and not failed_matchers(live, self.probes[ci][cursor]):
                self.cursors[ci] += 1
                rec = self.cassettes[ci][cursor]
                return await self._play(request, rec, model, conformer, error, body), "recording"
        message = self._mismatch(live)
        err = awsapi.AwsError(MISMATCH, message, 400)
        host_id = str(request.flags.get("host_id", ""))
        head = request.method == "HEAD"
        return error(request.service, request.request_id, host_id, err, head), "error"

    async def _play(
        self,
        request: ServeRequest,
        rec: Recorded,
        model: ServiceModel | None,
        conformer: Conformer,
        error: ErrorRenderer,
        body: bytes,
    ) -> ServeResponse:
        """The matched recording's answer; the model keeps state and supplies its values."""
        if model is None:
            return conformer.replay(rec, request)
        try:
            resp = await model.handle(request)
        except awsapi.AwsError as err:
            host_id = str(request.flags.get("host_id", ""))
            resp = error(
                request.service, request.request_id, host_id, err, request.method == "HEAD"
            )
        if resp.outcome == rec.outcome:
            return conformer.conform(request, resp, body, form=rec)[0]
        # The model disagrees with AWS; in strict mode the recording is the truth.
        log.warning(
            "strict: model answered %s where the recording has %s (%s #%d)",
            resp.outcome, rec.outcome, rec.cassette, rec.index,
        )  # fmt: skip
        return conformer.replay(rec, request)

    def _mismatch(self, live: Probe) -> str:
        """Record the mismatch and say which recorded request was nearest and how it differs."""
        best: tuple[int, int, Recorded, Probe, list[str]] | None = None
        for ci, cursor in enumerate(self.cursors):
            for distance, idx in enumerate(range(cursor, len(self.probes[ci]))):
                recorded = self.probes[ci][idx]
                failed = failed_matchers(live, recorded)
                key = (len(failed), distance)
                if best is None or key < best[:2]:
                    best = (len(failed), distance, self.cassettes[ci][idx], recorded, failed)
        entry: dict[str, Any] = {"request": live.describe(), "nearest": None, "failed": []}
        if best is None:
            message = f"{live.describe()} was not recorded: every recorded interaction was played."
        else:
            _, _, rec, recorded, failed = best
            entry["nearest"] = {
                "cassette": rec.cassette,
                "index": rec.index,
                "request": recorded.describe(),
                "next": best[1] == 0,
            }
            entry["failed"] = failed
            how = (
                f"differing in {', '.join(failed)}."
                if failed
                else f"which is recorded later: {best[1]} interaction(s) of it come first."
            )
            message = (
                f"{live.describe()} does not match the next recorded interaction; nearest "
                f"recorded is #{rec.index} in {rec.cassette}: {recorded.describe()}, {how}"
            )
        entry["message"] = message
        self.unmatched.append(entry)
        return message
