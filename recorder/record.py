"""The addon that captures each exchange and appends it to its cassette as it completes."""

from __future__ import annotations

import logging
from collections import Counter

from mitmproxy import http

from awsrec.errors import AwsrecError
from recorder import capture, events
from recorder.route import META_SECRETS, META_TAG, META_WIRE
from recorder.settings import SPLIT_HEADER
from recorder.sink import CassetteSink

log = logging.getLogger(__name__)
META_CASSETTE = "awsrec.cassette"


class Record:
    """Snapshot the SDK's request, then write the exchange before the client gets its answer.

    Writing in the `response` hook, before mitmproxy sends the response on, is what makes
    "answered" imply "on disk": kill -9 of the recorder never loses an answered exchange.
    """

    def __init__(self, sink: CassetteSink, only_aws: bool, split_by_header: bool) -> None:
        self.sink = sink
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
        flow.metadata[META_SECRETS] = self.sink.canaries.exchange(wire.headers, wire.query)
        flow.metadata[META_WIRE] = wire
        flow.metadata[META_TAG] = capture.tag(wire)

    def response(self, flow: http.HTTPFlow) -> None:
        wire: capture.Wire | None = flow.metadata.get(META_WIRE)
        tag: capture.Tag | None = flow.metadata.get(META_TAG)
        if wire is None or tag is None or flow.response is None:
            return
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
            name = flow.metadata.get(META_CASSETTE)
            path = self.sink.append(name, interaction, flow.metadata.get(META_SECRETS))
        except AwsrecError as e:
            # Fail closed: nothing was written; say so once, on a line of its own.
            self.failures += 1
            message = f"{tag.service} {tag.operation}: {e}"
            log.error("awsrec: %s", message)
            events.emit(events.Event("error", service=tag.service, message=message))
            return
        self.counts[tag.service] += 1
        events.emit(events.Event("recorded", 0, tag.service, tag.operation, str(path)))

    def done(self) -> None:
        self.sink.close()
