"""Invoke: RequestResponse, Event and DryRun against the local runtime, with AWS's envelope.

https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import logging
import uuid

from awsrec.aws.errors import AwsError
from replayer.state.base import ServeRequest, ServeResponse, handles
from replayer.state.lambda_.policy import PolicyOps
from replayer.state.lambda_.runtime import logs
from replayer.state.lambda_.runtime.env import CodeCache, function_env
from replayer.state.lambda_.runtime.pool import Pool
from replayer.state.lambda_.runtime.worker import Invocation, Outcome, WorkerSpec
from replayer.state.lambda_.s3source import endpoint_of
from replayer.state.lambda_.seed import RecordedInvokes, fill_placeholders
from replayer.state.lambda_.store import Function
from replayer.state.lambda_.world import Target

log = logging.getLogger("awsrec.serve")
# Invocation payload quotas: 6 MB synchronous, 1 MB asynchronous (raised from 256 KB in 2025):
# https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
# https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
SYNC_LIMIT = 6 * 1024 * 1024
ASYNC_LIMIT = 1024 * 1024
RESPONSE_LIMIT = 6 * 1024 * 1024 + 100  # as the error below names it
_TYPES = ("RequestResponse", "Event", "DryRun")
# Recorded headers that belong to the recorded exchange, not to its answer: set afresh.
_PER_RESPONSE = frozenset(
    {"content-length", "date", "x-amzn-requestid", "connection", "transfer-encoding"}
)


class InvokeOps(PolicyOps):
    """Runs functions: a warm pool of awslambdaric workers, or recorded answers."""

    pool: Pool | None = None
    code_cache: CodeCache | None = None
    recorded_invokes: RecordedInvokes
    region: str
    _background: set[asyncio.Future[Outcome]]

    def retire(self, name: str) -> None:
        if self.pool is not None:
            self.pool.retire(name)

    @handles("Invoke")
    async def invoke(self, request: ServeRequest) -> ServeResponse:
        name, qualifier = self.name_and_qualifier(request)
        fn = self.function(request.region, name, qualifier)
        # A recorded function's versions and aliases are known only as far as it was read;
        # its recorded invocations say which qualifiers it answered to.
        held = not fn.recorded or bool(fn.code)  # code given since (UpdateFunctionCode)
        target = self.resolve(request.region, name, qualifier) if held else None
        self.region = request.region  # the API Gateway front runs in the clients' region
        kind = request.headers.get("X-Amz-Invocation-Type") or "RequestResponse"
        if kind not in _TYPES:
            raise AwsError(
                "ValidationException",
                f"1 validation error detected: Value '{kind}' at 'invocationType' failed to "
                f"satisfy constraint: Member must satisfy enum value set: [{', '.join(_TYPES)}]",
                400,
            )
        payload = await request.body.read()
        check_payload(payload, kind)
        if kind == "DryRun":
            return ServeResponse(204, [], b"")
        if target is None:
            return self.recorded_answer(request, fn, qualifier, kind, payload)
        context = client_context(request.headers.get("X-Amz-Client-Context"))
        if kind == "Event":
            job = asyncio.ensure_future(self.run(target, payload, request.host, request.region))
            self._background.add(job)
            job.add_done_callback(self._event_done)
            return ServeResponse(202, [("Content-Type", "application/json")], b"")
        outcome = await self.run(target, payload, request.host, request.region, context)
        return self.answer(target, outcome, request.headers.get("X-Amz-Log-Type") == "Tail")

    def _event_done(self, job: asyncio.Future[Outcome]) -> None:
        self._background.discard(job)
        if not job.cancelled() and job.exception() is not None:
            log.warning("Event invocation failed: %s", job.exception())

    def recorded_answer(
        self, request: ServeRequest, fn: Function, qualifier: str | None, kind: str, payload: bytes
    ) -> ServeResponse:
        """A function known only from a recording answers as recorded for the same payload."""
        it = self.recorded_invokes.find(fn.name, qualifier, kind, payload)
        if it is None and kind == "Event":
            # AWS's answer to an Event invocation (202, no body) does not depend on the
            # payload; only the run it queues does, and that cannot happen without the code.
            self.notes.append(f"Event invocation of {fn.name} (recorded, no code) not run")
            return ServeResponse(202, [("Content-Type", "application/json")], b"")
        if it is None:
            raise AwsError("NotImplemented", self.miss(fn.name, qualifier, kind), 501)
        resp = it.response
        tail = request.headers.get("X-Amz-Log-Type") == "Tail"
        headers = [
            (k, v)
            for k, v in resp.headers
            if k.lower() not in _PER_RESPONSE and (tail or k.lower() != "x-amz-log-result")
        ]
        body = fill_placeholders(bytes(resp.body), request.request_id, self.account)
        outcome = "ok" if resp.status < 400 else _error_code(resp.headers, body)
        return ServeResponse(resp.status, headers, body, outcome)

    def miss(self, name: str, qualifier: str | None, kind: str) -> str:
        """Why a recorded function cannot answer: the nearest recording is not guessed."""
        recorded = self.recorded_invokes.recorded_payloads(name, qualifier, kind)
        shown = ", ".join(_short(p) for p in recorded[:3]) or "none"
        return (
            f"awsrec holds no code for function {name} (recorded from AWS, not created in this "
            f"world) and no {kind} Invoke of it with Qualifier {qualifier or '(none)'} and this "
            f"payload was recorded; awsrec does not guess from the nearest recording. Recorded "
            f"payloads ({len(recorded)}): {shown}"
        )

    async def run(
        self,
        target: Target,
        payload: bytes,
        host: str,
        region: str,
        context: str | None = None,
    ) -> Outcome:
        """Run `target` on a warm (or new) worker; the caller shapes the answer."""
        spec = self.worker_spec(target, host, region)
        if self.pool is None:
            self.pool = Pool()
        inv = Invocation(str(uuid.uuid4()), payload, target.arn, context)
        return await self.pool.invoke(spec, inv)

    def worker_spec(self, target: Target, host: str, region: str) -> WorkerSpec:
        fn, version = target.function, target.version
        cfg = fn.config(version)
        assert cfg is not None
        runtime = str(cfg.get("Runtime") or "")
        code_key = fn.code_of(version)
        if not runtime.startswith("python") or not code_key:
            raise AwsError(
                "NotImplemented",
                f"awsrec runs Python zip functions locally; {fn.name} is {runtime or 'an image'}.",
                501,
            )
        if self.code_cache is None:
            self.code_cache = CodeCache()
        root = self.code_cache.unpacked(code_key, self.store.get_code(code_key))
        env = function_env(cfg, version, region, endpoint_of(host))
        env["LAMBDA_TASK_ROOT"] = str(root)
        key = (fn.name, version, code_key, str(cfg.get("RevisionId", "")))
        return WorkerSpec(
            key, fn.name, version, root, str(cfg.get("Handler") or ""),
            float(cfg.get("Timeout", 3)), int(cfg.get("MemorySize", 128)), tuple(env.items()),
        )  # fmt: skip

    def answer(self, target: Target, outcome: Outcome, tail: bool) -> ServeResponse:
        headers = [("Content-Type", "application/json")]
        body = outcome.body
        if outcome.kind == "ok" and len(body) > RESPONSE_LIMIT:
            body = oversized(len(body))
            headers.append(("X-Amz-Function-Error", "Unhandled"))
        elif outcome.kind != "ok":
            # Every error the runtime reports (and timeouts, crashes, init errors) is
            # "Unhandled"; "Handled" was the Node.js callback(err) convention.
            headers.append(("X-Amz-Function-Error", "Unhandled"))
        headers.append(("X-Amz-Executed-Version", target.version))
        if tail:
            headers.append(("X-Amz-Log-Result", logs.tail(outcome.log)))
        return ServeResponse(200, headers, body)

    def close_runtime(self) -> None:
        if self.pool is not None:
            self.pool.close()
            self.pool = None


def check_payload(payload: bytes, kind: str) -> None:
    if kind == "Event" and len(payload) > ASYNC_LIMIT:
        # AWS's wording, as users report it (then with the 256 KB limit), e.g.
        # https://github.com/ASFHyP3/hyp3/issues/2241
        raise AwsError(
            "RequestEntityTooLargeException",
            f"{len(payload)} byte payload is too large for the Event invocation type "
            f"(limit {ASYNC_LIMIT} bytes)",
            413,
        )
    if len(payload) > SYNC_LIMIT:
        raise AwsError(
            "RequestEntityTooLargeException",
            f"Request must be smaller than {SYNC_LIMIT} bytes for the InvokeFunction operation",
            413,
        )
    if payload.strip():
        try:
            json.loads(payload)
        except (ValueError, RecursionError) as e:  # RecursionError: hostile nesting
            raise AwsError(
                "InvalidRequestContentException",
                f"Could not parse request body into json: Could not parse payload into json: {e}",
                400,
            ) from e


def client_context(header: str | None) -> str | None:
    """X-Amz-Client-Context is base64 JSON; the runtime gets the decoded JSON."""
    if not header:
        return None
    try:
        return base64.b64decode(header, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError) as e:
        raise AwsError(
            "InvalidRequestContentException",
            "Client context must be a valid Base64-encoded JSON object.",
            400,
        ) from e


def oversized(size: int) -> bytes:
    return json.dumps(
        {
            "errorMessage": f"Response payload size ({size} bytes) exceeded maximum allowed "
            f"payload size ({RESPONSE_LIMIT} bytes).",
            "errorType": "Function.ResponseSizeTooLarge",
        }
    ).encode()


def _short(payload: bytes, limit: int = 100) -> str:
    text = payload.decode("utf-8", "replace")
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _error_code(headers: list[tuple[str, str]], body: bytes) -> str:
    """A recorded rest-json error's code: X-Amzn-ErrorType, else the body's Type/__type."""
    for key, value in headers:
        if key.lower() == "x-amzn-errortype":
            return value.split(":")[0]
    try:
        doc = json.loads(body)
    except ValueError:
        doc = {}
    code = doc.get("__type") or doc.get("Type") if isinstance(doc, dict) else None
    return str(code).rsplit("#", 1)[-1] if code else "ServiceException"
