"""Endpoint mode: send each request to its service's upstream, re-signed with real credentials."""

from __future__ import annotations

import logging
from urllib.parse import quote, urlencode, urlsplit

from mitmproxy import http
from mitmproxy.net.http import url as mitm_url

from awsrec.aws import chunked, sigv4
from awsrec.errors import AwsrecError
from recorder import events
from recorder.capture import Tag, Wire
from recorder.credentials import CredentialSource

Pairs = list[tuple[str, str]]
log = logging.getLogger(__name__)
META_WIRE = "awsrec.wire"
META_TAG = "awsrec.tag"
# The headers the recorder signed with: their signature is one more canary for the writer.
META_SIGNED = "awsrec.signed"


def aws_endpoint(service: str, region: str) -> str:
    """The regional endpoint of `service`; S3 is addressed path-style on it.

    https://docs.aws.amazon.com/general/latest/gr/rande.html#regional-endpoints
    """
    return f"https://{service}.{region}.amazonaws.com"


class Route:
    """Rewrite a request aimed at the recorder into one aimed at the real upstream."""

    def __init__(
        self,
        credentials: CredentialSource,
        upstream: str | None,
        default_region: str,
    ) -> None:
        self.credentials = credentials
        self.upstream = upstream.rstrip("/") if upstream else None
        self.default_region = default_region

    def request(self, flow: http.HTTPFlow) -> None:
        try:
            self._route(flow)
        except AwsrecError as e:
            # Never let a request fall through to the placeholder upstream: answer, and say why.
            log.error("awsrec: %s", e)
            events.emit(events.Event("error", message=str(e)))
            flow.response = http.Response.make(502, f"awsrec: {e}\n".encode())

    def response(self, flow: http.HTTPFlow) -> None:
        # Runs after Record has stored the upstream's headers as they were. Connection is
        # hop-by-hop (RFC 9110, 7.6.1): an upstream closing its connection to us (moto does,
        # every time) is no reason to close ours with the SDK and pay a new connect per request.
        if flow.response is not None and "close" in flow.response.headers.get("connection", ""):
            del flow.response.headers["connection"]

    def _route(self, flow: http.HTTPFlow) -> None:
        wire: Wire | None = flow.metadata.get(META_WIRE)
        tag: Tag | None = flow.metadata.get(META_TAG)
        if wire is None or tag is None or flow.response is not None:
            return  # the recorder already answered (or skipped) it
        if not tag.is_aws:
            self._pass_through(flow, wire)
            return
        region = tag.region or self.default_region
        base = self.upstream or aws_endpoint(tag.service, region)
        headers, query = sigv4.strip_signing(wire.headers, wire.query)
        path = tag.path if tag.service == "s3" else wire.path
        raw_query = wire.raw_query if query == wire.query else _encode_query(query)
        url = base + path + (f"?{raw_query}" if raw_query else "")
        body = wire.body
        if chunked.is_aws_chunked(headers) and _signed_chunks(headers):
            headers, body = unchunk(headers, body)
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
        _send_to(flow, url, signed, body)

    def _pass_through(self, flow: http.HTTPFlow, wire: Wire) -> None:
        # Not AWS: only an explicit --upstream says where it could go.
        if self.upstream is None:
            flow.response = http.Response.make(
                502, b"awsrec: not an AWS request and no --upstream to send it to\n"
            )
            return
        target = self.upstream + wire.path + (f"?{wire.raw_query}" if wire.raw_query else "")
        _send_to(flow, target, [(k, v) for k, v in wire.headers if k.lower() != "host"], wire.body)


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


def _send_to(flow: http.HTTPFlow, url: str, headers: Pairs, body: bytes) -> None:
    request = flow.request
    scheme, host, port, target = mitm_url.parse(url)  # type: ignore[no-untyped-call]
    netloc = urlsplit(url).netloc
    # The fields themselves: the `url` setter rewrites the Host header once per field, and
    # `headers` below already carries the Host the request was signed for.
    data = request.data
    data.scheme, data.host, data.port, data.path = scheme, host.decode("idna"), port, target
    if data.authority:  # HTTP/2's :authority, HTTP/1's absolute form
        request.authority = netloc
    request.headers = http.Headers([(k.encode(), v.encode()) for k, v in headers])
    if "host" not in request.headers and not data.authority:
        request.headers["host"] = netloc
    # raw_content: mitmproxy would try to apply Content-Encoding (aws-chunked) to `content`.
    request.raw_content = body
    if body or "content-length" in request.headers:
        request.headers["content-length"] = str(len(body))
