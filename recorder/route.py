"""Endpoint mode: send each request to its service's upstream, re-signed with real credentials."""

from __future__ import annotations

import logging
import time
from urllib.parse import quote, urlencode, urlsplit

from mitmproxy import http
from mitmproxy.net.http import url as mitm_url

from awsrec.aws import chunked, sigv4
from awsrec.cassette import header_value
from awsrec.errors import AwsrecError
from recorder import events, fetch
from recorder.capture import Tag, Wire
from recorder.credentials import CredentialSource

Pairs = list[tuple[str, str]]
# What Route sends upstream: method, URL, headers, body.
Routed = tuple[str, str, Pairs, bytes]
log = logging.getLogger(__name__)
META_WIRE = "awsrec.wire"
META_TAG = "awsrec.tag"
# The headers the recorder signed with: their signature is one more canary for the writer.
META_SIGNED = "awsrec.signed"
# Set on a flow the recorder answered itself (unroutable, upstream unreachable): such an answer
# is the recorder's, not the upstream's, and is never recorded.
META_OWN_ANSWER = "awsrec.own_answer"


def aws_endpoint(service: str, region: str) -> str:
    """The regional endpoint of `service`; S3 is addressed path-style on it.

    https://docs.aws.amazon.com/general/latest/gr/rande.html#regional-endpoints
    """
    return f"https://{service}.{region}.amazonaws.com"


class Route:
    """Send a request aimed at the recorder to the real upstream, re-signed; answer with its reply.

    The upstream exchange is made here (recorder.fetch), and its answer becomes the flow's
    response; mitmproxy then runs the response hooks and answers the SDK as usual.
    """

    def __init__(
        self,
        credentials: CredentialSource,
        upstream: str | None,
        default_region: str,
    ) -> None:
        self.credentials = credentials
        self.upstream = upstream.rstrip("/") if upstream else None
        self.default_region = default_region
        self.upstream_client = fetch.UpstreamClient()

    async def request(self, flow: http.HTTPFlow) -> None:
        try:
            routed = self._route(flow)
            if routed:
                answer = await self.upstream_client.fetch(*routed)
                flow.response = _response(answer)
        except (AwsrecError, fetch.UpstreamError) as e:
            # Never let a request fall through to the placeholder upstream: answer, and say why.
            log.error("awsrec: %s", e)
            events.emit(events.Event("error", message=str(e)))
            flow.metadata[META_OWN_ANSWER] = True
            flow.response = http.Response.make(502, f"awsrec: {e}\n".encode())

    def done(self) -> None:
        self.upstream_client.close()

    def response(self, flow: http.HTTPFlow) -> None:
        # Runs after Record has stored the upstream's headers as they were. Connection is
        # hop-by-hop (RFC 9110, 7.6.1): an upstream closing its connection to us (moto does,
        # every time) is no reason to close ours with the SDK and pay a new connect per request.
        if flow.response is not None and "close" in flow.response.headers.get("connection", ""):
            del flow.response.headers["connection"]

    def _route(self, flow: http.HTTPFlow) -> Routed | None:
        """Rewrite the flow's request for its upstream; what to send there, or None."""
        wire: Wire | None = flow.metadata.get(META_WIRE)
        tag: Tag | None = flow.metadata.get(META_TAG)
        if wire is None or tag is None or flow.response is not None:
            return None  # the recorder already answered (or skipped) it
        if not tag.is_aws:
            return self._pass_through(flow, wire)
        region = tag.region or self.default_region
        base = self.upstream or aws_endpoint(tag.service, region)
        headers, query = sigv4.strip_signing(wire.headers, wire.query)
        path = tag.path if tag.service == "s3" else wire.path
        raw_query = wire.raw_query if query == wire.query else _encode_query(query)
        url = base + path + (f"?{raw_query}" if raw_query else "")
        body = wire.body
        if chunked.is_aws_chunked(headers) and _signed_chunks(headers):
            headers, body = unchunk(headers, body)
        headers = _framed(headers, body)
        creds = self.credentials.get()
        signed = sigv4.resign(
            wire.method,
            url,
            headers,
            body,
            service=tag.service,
            region=region,
            access_key=creds.access_key,
            secret_key=creds.secret_key,
            session_token=creds.session_token,
        )
        flow.metadata[META_SIGNED] = signed
        return _send_to(flow, url, signed, body)

    def _pass_through(self, flow: http.HTTPFlow, wire: Wire) -> Routed:
        # Not AWS: only an explicit --upstream says where it could go.
        if self.upstream is None:
            raise AwsrecError("not an AWS request and no --upstream to send it to")
        target = self.upstream + wire.path + (f"?{wire.raw_query}" if wire.raw_query else "")
        headers = _framed([(k, v) for k, v in wire.headers if k.lower() != "host"], wire.body)
        return _send_to(flow, target, headers, wire.body)


def _signed_chunks(headers: Pairs) -> bool:
    sha = next((v for k, v in headers if k.lower() == "x-amz-content-sha256"), "")
    return sha.startswith("STREAMING-AWS4-")


def unchunk(headers: Pairs, body: bytes) -> tuple[Pairs, bytes]:
    """A signed-chunk upload as a plain one: the payload, its checksum trailer as a header.

    Chunk signatures chain from the seed signature, which re-signing replaces, so the framing
    cannot be kept; a plain PutObject/UploadPart with x-amz-checksum-* is equivalent.
    https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html
    """
    payload, trailers = chunked.decode_aws_chunked(body)
    return chunked.plain_headers(headers, trailers), payload


def _encode_query(query: Pairs) -> str:
    # SigV4's canonical encoding: everything but unreserved characters is percent-encoded.
    return urlencode(query, quote_via=quote, safe="-_.~")


def _send_to(flow: http.HTTPFlow, url: str, headers: Pairs, body: bytes) -> Routed:
    """Point the flow's request at `url` (what the cassette and hooks see); what to send."""
    request = flow.request
    scheme, host, port, target = mitm_url.parse(url)  # type: ignore[no-untyped-call]
    netloc = urlsplit(url).netloc
    # The fields themselves: the `url` setter rewrites the Host header once per field, and
    # `headers` below already carries the Host the request was signed for.
    data = request.data
    data.scheme, data.host, data.port, data.path = scheme, host.decode("idna"), port, target
    if data.authority:  # HTTP/2's :authority, HTTP/1's absolute form
        request.authority = netloc
    if header_value(headers, "host") is None:
        headers = [("Host", netloc), *headers]
    request.headers = http.Headers([(k.encode(), v.encode()) for k, v in headers])
    # raw_content: mitmproxy would try to apply Content-Encoding (aws-chunked) to `content`.
    request.raw_content = body
    return request.method, url, headers, body


def _framed(headers: Pairs, body: bytes) -> Pairs:
    """`headers` framing `body` as sent upstream: whole, with its length (before signing)."""
    if not body and header_value(headers, "content-length") is None:
        return headers
    framing = ("content-length", "transfer-encoding")
    kept = [(k, v) for k, v in headers if k.lower() not in framing]
    return [*kept, ("Content-Length", str(len(body)))]


def _response(answer: fetch.Answer) -> http.Response:
    return http.Response(
        answer.http_version.encode(),
        answer.status,
        answer.reason.encode("latin-1"),
        http.Headers(answer.headers),
        answer.body,
        None,
        time.time(),
        None,
    )
