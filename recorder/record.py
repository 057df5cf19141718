"""The addon that captures each exchange and hands it to the cassette writer as it completes."""

from __future__ import annotations

import logging
from collections import Counter

from mitmproxy import http

from recorder import capture, events
from recorder.handoff import Sender, WriterGone
from recorder.route import META_OWN_ANSWER, META_SIGNED, META_TAG, META_WIRE
from recorder.settings import SPLIT_HEADER

log = logging.getLogger(__name__)
META_CASSETTE = "awsrec.cassette"


class Record:
    """Snapshot the SDK's request, then hand the exchange over before the client gets its answer.

    Handing over in the `response` hook, before mitmproxy sends the response on, is what makes
    "answered" imply "written": see recorder.handoff for the exact guarantee.
    """

    def __init__(self, handoff: Sender, only_aws: bool, split_by_header: bool) -> None:
        self.handoff = handoff
        self.only_aws = only_aws
        self.split_by_header = split_by_header
        self.current: str | None = None
        self.counts: Counter[str] = Counter()
        self.failures = 0

    def request(self, flow: http.HTTPFlow) -> None:
        request = flow.request
        if SPLIT_HEADER in request.headers:
            # Stripped before forwarding in every case: it is ours, not the application's.
            name = request.headers.pop(SPLIT_HEADER)
            if self.split_by_header:
                self.current = name
        flow.metadata[META_CASSETTE] = self.current
        headers = capture.header_pairs(request.headers.fields)
        wire = capture.Wire.make(
            request.method,
            request.host_header or request.host,
            request.path,
            headers,
            request.raw_content or b"",
        )
        flow.metadata[META_WIRE] = wire
        flow.metadata[META_TAG] = capture.tag(wire)

    def response(self, flow: http.HTTPFlow) -> None:
        wire: capture.Wire | None = flow.metadata.get(META_WIRE)
        tag: capture.Tag | None = flow.metadata.get(META_TAG)
        if wire is None or tag is None or flow.response is None:
            return
        if flow.metadata.get(META_OWN_ANSWER):
            return  # the recorder's own 502, not the upstream's: nothing to record
        if self.only_aws and not tag.is_aws:
            events.emit(events.Event("skipped", service=tag.service))
            return
        response = flow.response
        end = response.timestamp_end or response.timestamp_start
        start = flow.request.timestamp_end or flow.request.timestamp_start
        interaction = capture.build(
            0,
            wire,
            tag,
            response.status_code,
            capture.header_pairs(response.headers.fields),
            response.raw_content or b"",
            max(0.0, (end - start) * 1000.0),
        )
        routed = flow.request.host_header
        if routed and routed != wire.host:
            # Endpoint mode: the SDK's Host was the recorder (a random local port); record the
            # host the request really went to, so runs compare equal and replay sees AWS's.
            interaction.request.headers = [
                (k, routed if k.lower() == "host" else v) for k, v in interaction.request.headers
            ]
        try:
            signed = flow.metadata.get(META_SIGNED, [])
            self.handoff.send(flow.metadata.get(META_CASSETTE), interaction, signed)
        except WriterGone as e:
            # Fail closed: an answer that cannot be recorded is not given.
            self.failures += 1
            message = f"{tag.service} {wire.method} {tag.path}: {e}"
            log.error("awsrec: %s", message)
            events.emit(events.Event("error", service=tag.service, message=message))
            flow.response = http.Response.make(502, f"awsrec: not recorded: {e}\n".encode())
            return
        self.counts[tag.service] += 1

    def done(self) -> None:
        self.handoff.close()
