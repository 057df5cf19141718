"""One AWS request through the server: detect, identify, fault, then model, strict or opaque."""

from __future__ import annotations

import logging
import traceback
from dataclasses import dataclass
from urllib.parse import unquote

from replayer.server import awsapi
from replayer.server.asgi import ClientDisconnectedError, Incoming, Receiver
from replayer.server.auth import SigV4Verifier
from replayer.server.config import ServeConfig
from replayer.server.conform import Conformer
from replayer.server.faults import Faults, Injection
from replayer.server.ids import HttpDate, request_ids
from replayer.server.opaque import OpaqueReplay
from replayer.server.recordings import Recordings
from replayer.server.strict import StrictMatcher
from replayer.server.sts import get_caller_identity
from replayer.server.world import World
from replayer.state.base import Body, Headers, ServeRequest, ServeResponse

log = logging.getLogger("awsrec.serve")


@dataclass(slots=True)
class Served:
    """A response and what the journal should say about it."""

    response: ServeResponse
    service: str
    operation: str
    source: str
    injection: Injection | None = None  # faults that also shape how the response is sent


class Pipeline:
    """Owns the per-request path; everything stateful lives in the objects it is given."""

    def __init__(
        self,
        config: ServeConfig,
        world: World,
        recordings: Recordings,
        faults: Faults,
    ) -> None:
        self.config = config
        self.world = world
        self.faults = faults
        self.dates = HttpDate()
        self.conformer = Conformer(recordings)
        self.opaque = OpaqueReplay(recordings)
        self.strict = StrictMatcher(recordings) if config.strict else None
        self.auth = SigV4Verifier.from_settings(config.auth, config.credentials_file)

    def reset(self) -> None:
        self.world.reset()
        self.faults.reset()
        self.opaque.reset()
        if self.strict is not None:
            self.strict.reset()

    def error(
        self, service: str, req_id: str, host_id: str, err: awsapi.AwsError, head: bool
    ) -> ServeResponse:
        status, headers, body = awsapi.render_error(
            service, err, request_id=req_id, host_id=host_id, head=head
        )
        return ServeResponse(status, list(headers), body, outcome=err.code)

    async def serve(self, inc: Incoming, receiver: Receiver) -> Served:
        """Answer one AWS request; never raises for anything the client sent."""
        early = b""
        service, region = self._detect(inc, early)
        if service is None and inc.method == "POST" and _is_form(inc.headers):
            # An unsigned query-protocol request (STS) names itself only in its form body.
            early = await Body(receiver).read()
            service, region = self._detect(inc, early)
        if service is None:
            req_id, host_id = request_ids("s3")
            err = awsapi.AwsError(
                "InvalidRequest",
                "awsrec could not tell which AWS service this request is for.",
                400,
            )
            if self.auth is not None:  # an unsigned request names no service either
                err = self.auth.unidentified()
            return Served(self.error("s3", req_id, host_id, err, False), "?", "?", "error")
        req_id, host_id = request_ids(service)
        head = inc.method == "HEAD"
        try:
            if self.auth is not None:
                early = await self.auth.check(inc, service, early, receiver)
            return await self._serve_service(
                inc, receiver, early, (service, region), (req_id, host_id)
            )
        except awsapi.AwsError as err:
            return Served(self.error(service, req_id, host_id, err, head), service, "?", "error")
        except ClientDisconnectedError:
            raise  # nobody to answer; the app drops the exchange (not an internal error)
        except UnicodeError as e:
            bad = awsapi.AwsError("InvalidRequest", f"The request could not be decoded: {e}", 400)
            return Served(self.error(service, req_id, host_id, bad, head), service, "?", "error")
        except Exception:  # the server's top level: keep serving, say what broke
            trace = traceback.format_exc() if self.config.debug else "(--debug shows the traceback)"
            log.error("internal error serving %s %s: %s", inc.method, inc.raw_path, trace)
            internal = awsapi.AwsError(
                "InternalError", "We encountered an internal error. Please try again.", 500
            )
            return Served(
                self.error(service, req_id, host_id, internal, head), service, "?", "error"
            )

    def _detect(self, inc: Incoming, body: bytes) -> tuple[str | None, str]:
        return awsapi.detect(
            inc.method, inc.host, inc.raw_path, inc.query, inc.headers, body, self.config.region
        )

    async def _serve_service(
        self,
        inc: Incoming,
        receiver: Receiver,
        early: bytes,
        where: tuple[str, str],
        ids: tuple[str, str],
    ) -> Served:
        service, region = where
        raw_path, flags = inc.raw_path, {"host_id": ids[1]}
        if service == "s3":
            raw_path, flags["addressing"] = awsapi.canonical(inc.host, inc.raw_path)
        body = Body.from_bytes(early) if early else Body(receiver)
        if not early and awsapi.protocol_of(service) in ("query", "json"):
            # Small by contract (DynamoDB items <= 400 KB); kept to compare with recordings.
            early = await body.read()
            body = Body.from_bytes(early)
        operation, labels = awsapi.identify(
            service, inc.method, raw_path, inc.query, inc.headers, early
        )
        if operation is None:
            raise _unknown_operation(service, inc)
        request = ServeRequest(
            service=service, operation=operation, method=inc.method,
            path=unquote(raw_path, errors="strict"), query=inc.query, headers=Headers(inc.headers),
            labels=labels, body=body, region=region, account=self.config.account,
            request_id=ids[0], host=inc.host, flags=flags,
        )  # fmt: skip
        answer = await self._answer(request, early if early else None)
        answer.response.headers.append(("x-awsrec-source", answer.source))
        return answer

    async def _answer(self, request: ServeRequest, body: bytes | None) -> Served:
        injection = self.faults.decide(request, body)
        if injection is None:
            return await self._respond(request, body)
        service, operation = request.service, request.operation
        fault = injection.before(request, body)
        if fault is not None:
            return Served(self._dated(fault, request), service, operation, "fault", injection)
        try:
            served = await self._respond(request, body)
        except awsapi.AwsError as err:  # still send it through the connection-level faults
            host_id = str(request.flags["host_id"])
            resp = self.error(service, request.request_id, host_id, err, request.method == "HEAD")
            served = Served(resp, service, operation, "error")
        served.response = injection.after(served.response)
        served.injection = injection
        return served

    async def _respond(self, request: ServeRequest, body: bytes | None) -> Served:
        service, operation = request.service, request.operation
        if service == "sts" and operation == "GetCallerIdentity":
            resp = get_caller_identity(self.config.account, request.request_id)
            return Served(self._dated(resp, request), service, operation, "model")
        model = self.world.handler_for(service, operation)
        if self.strict is not None:
            resp, source = await self.strict.answer(request, model, self.conformer, self.error)
            return Served(self._dated(resp, request), service, operation, source)
        if model is None:
            found, source = await self.opaque.answer(request, self.conformer)
            if found is None:
                raise awsapi.AwsError(
                    "NotImplemented",
                    f"awsrec has no model and no matching recording for {service} {operation}.",
                    501,
                )
            return Served(self._dated(found, request), service, operation, source)
        try:
            resp = await model.handle(request)
        except awsapi.AwsError as err:
            resp = self.error(
                service,
                request.request_id,
                str(request.flags["host_id"]),
                err,
                request.method == "HEAD",
            )
        resp, source = self.conformer.conform(request, resp, body)
        return Served(self._dated(resp, request), service, operation, source)

    def _dated(self, resp: ServeResponse, request: ServeRequest) -> ServeResponse:
        """Every AWS response carries its request id(s) and a Date; add what the answer lacks."""
        names = {key.lower() for key, _ in resp.headers}
        if request.service == "s3":
            # https://docs.aws.amazon.com/AmazonS3/latest/API/RESTCommonResponseHeaders.html
            if "x-amz-request-id" not in names:
                resp.headers.append(("x-amz-request-id", request.request_id))
            if "x-amz-id-2" not in names:
                resp.headers.append(("x-amz-id-2", str(request.flags.get("host_id", ""))))
        elif "x-amzn-requestid" not in names:
            resp.headers.append(("x-amzn-RequestId", request.request_id))
        if "date" not in names:
            resp.headers.append(("Date", self.dates.now()))
        return resp


def _is_form(headers: list[tuple[str, str]]) -> bool:
    for key, value in headers:
        if key == "content-type":
            return value.lower().startswith("application/x-www-form-urlencoded")
    return False


def _unknown_operation(service: str, inc: Incoming) -> awsapi.AwsError:
    protocol = awsapi.protocol_of(service)
    what = f"{inc.method} {inc.raw_path}"
    if protocol == "json":
        # DynamoDB answers an unknown X-Amz-Target with UnknownOperationException (400).
        return awsapi.AwsError("UnknownOperationException", f"Unknown operation: {what}", 400)
    if protocol == "query":
        # https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html
        return awsapi.AwsError("InvalidAction", f"Could not find operation for {what}", 400)
    return awsapi.AwsError("InvalidRequest", f"No {service} operation matches {what}.", 400)
