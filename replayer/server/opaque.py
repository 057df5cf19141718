"""Opaque operations: exact match against recordings, replayed in sequence."""

from __future__ import annotations

from dataclasses import dataclass

from awsrec.matching import Probe, failed_matchers, probe, probe_recorded
from replayer.server.conform import Conformer
from replayer.server.recordings import Recorded, Recordings
from replayer.state.base import Body, ServeRequest, ServeResponse


@dataclass(slots=True)
class _Group:
    """Recordings of one and the same request, in recording order, and how many were played."""

    probe: Probe
    items: list[Recorded]
    played: int = 0


async def live_probe(request: ServeRequest) -> tuple[Probe, bytes]:
    """The request's probe; reads the body and puts an unread copy back for the model."""
    body = await request.body.read()
    request.body = Body.from_bytes(body)
    found = probe(
        request.service, request.operation, request.method, request.path,
        request.query, request.headers.items(), body,
    )  # fmt: skip
    return found, body


class OpaqueReplay:
    """A request recorded n times returns its n responses in order, then repeats the last."""

    def __init__(self, recordings: Recordings) -> None:
        self._groups: dict[tuple[str, str], list[_Group]] = {}
        for rec in recordings.all():
            it = rec.interaction
            recorded = probe_recorded(it)
            groups = self._groups.setdefault((it.service, it.operation), [])
            group = next((g for g in groups if g.probe == recorded), None)
            if group is None:
                groups.append(_Group(recorded, [rec]))
            else:
                group.items.append(rec)

    def reset(self) -> None:
        for groups in self._groups.values():
            for group in groups:
                group.played = 0

    async def answer(
        self, request: ServeRequest, conformer: Conformer
    ) -> tuple[ServeResponse | None, str]:
        groups = self._groups.get((request.service, request.operation))
        if not groups:
            return None, "recording"
        live, _ = await live_probe(request)
        for group in groups:
            if not failed_matchers(live, group.probe):
                rec = group.items[min(group.played, len(group.items) - 1)]
                group.played += 1
                return conformer.replay(rec, request), "recording"
        return None, "recording"
