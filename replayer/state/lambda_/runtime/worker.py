"""One warm execution environment: an awslambdaric subprocess and its own Runtime API."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from replayer.state.lambda_.runtime import logs
from replayer.state.lambda_.runtime.api import PREFIX, ApiRequest, ApiResponse, RuntimeApiServer

# Lambda's init phase may take up to 10 s on demand:
# https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html#runtimes-lifecycle-ib
INIT_LIMIT = 10.0
_ACCEPTED = ApiResponse(202, [("Content-Type", "application/json")], b'{"status":"OK"}\n')


@dataclass(frozen=True, slots=True)
class WorkerSpec:
    """What a worker runs; `key` changes whenever code or configuration does."""

    key: tuple[str, ...]
    name: str
    version: str
    task_root: Path
    handler: str
    timeout: float
    memory: int
    env: tuple[tuple[str, str], ...]


@dataclass(slots=True)
class Invocation:
    request_id: str
    payload: bytes
    invoked_arn: str
    client_context: str | None = None


@dataclass(slots=True)
class Outcome:
    """How an invocation ended: "ok", "error", "timeout", "init_error" or "exit"."""

    kind: str
    body: bytes
    log: bytes = b""
    error_type: str | None = None
    duration_ms: float = 0.0


class Worker:
    """Runs one invocation at a time; dies (and is replaced) on timeout, crash or init error."""

    def __init__(self, spec: WorkerSpec) -> None:
        self.spec = spec
        self.api = RuntimeApiServer(self._route)
        self.proc: asyncio.subprocess.Process | None = None
        self.alive = False
        self.init_ms: float | None = None  # set on the first /next; reported once
        self._reported_init = False
        self._spawned = 0.0
        self._log = bytearray()
        self._log_fd = -1
        self._current: Invocation | None = None
        self._next: asyncio.Future[Invocation] | None = None
        self._result: asyncio.Future[Outcome] | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._t0 = 0.0
        self._mark = 0

    async def start(self) -> None:
        port = await self.api.start()
        env = dict(self.spec.env)
        env["AWS_LAMBDA_RUNTIME_API"] = f"127.0.0.1:{port}"
        rfd, wfd = os.pipe()
        try:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "awslambdaric", self.spec.handler,
                cwd=self.spec.task_root, env=env, stdin=asyncio.subprocess.DEVNULL,
                stdout=wfd, stderr=wfd, start_new_session=True,
            )  # fmt: skip
        finally:
            os.close(wfd)
        self._spawned = time.perf_counter()
        self._log_fd = rfd
        os.set_blocking(rfd, False)
        asyncio.get_running_loop().add_reader(rfd, self._read_log)
        self.alive = True
        asyncio.ensure_future(self._watch_exit(self.proc))

    async def invoke(self, inv: Invocation) -> Outcome:
        loop = asyncio.get_running_loop()
        self._result = loop.create_future()
        self._current = inv
        watchdog = None
        if self.init_ms is None:
            watchdog = loop.call_later(INIT_LIMIT, self._init_timed_out)
        if self._next is not None and not self._next.done():
            self._next.set_result(inv)
        try:
            return await self._result
        finally:
            if watchdog is not None:
                watchdog.cancel()

    # -- Runtime API ---------------------------------------------------------------------------

    async def _route(self, req: ApiRequest) -> ApiResponse:
        path = req.path[len(PREFIX) :] if req.path.startswith(PREFIX) else ""
        if req.method == "GET" and path == "invocation/next":
            return await self._serve_next()
        if req.method == "POST" and path.startswith("invocation/"):
            rid, _, what = path[len("invocation/") :].partition("/")
            if self._current is None or rid != self._current.request_id:
                return ApiResponse(400, [], b'{"errorMessage":"InvalidRequestID"}')
            if what == "response":
                self._finish("ok", req.body)
            elif what == "error":
                self._finish(
                    "error", req.body, req.headers.get("lambda-runtime-function-error-type")
                )
            else:
                return ApiResponse(404, [], b"")
            return _ACCEPTED
        if req.method == "POST" and path == "init/error":
            self._finish(
                "init_error", req.body, req.headers.get("lambda-runtime-function-error-type")
            )
            return _ACCEPTED
        return ApiResponse(404, [], b"")

    async def _serve_next(self) -> ApiResponse:
        if self.init_ms is None:
            self.init_ms = (time.perf_counter() - self._spawned) * 1000.0
        inv = self._current if self._result is not None and not self._result.done() else None
        if inv is None or self._timer is not None:
            self._next = asyncio.get_running_loop().create_future()
            inv = await self._next
            self._next = None
        self._drain_log()
        self._mark = len(self._log)
        self._t0 = time.perf_counter()
        self._timer = asyncio.get_running_loop().call_later(self.spec.timeout, self._timed_out)
        headers = [
            ("Content-Type", "application/json"),
            ("Lambda-Runtime-Aws-Request-Id", inv.request_id),
            ("Lambda-Runtime-Deadline-Ms", str(int((time.time() + self.spec.timeout) * 1000))),
            ("Lambda-Runtime-Invoked-Function-Arn", inv.invoked_arn),
            ("Lambda-Runtime-Trace-Id", _trace_id(inv.request_id)),
        ]
        if inv.client_context:
            headers.append(("Lambda-Runtime-Client-Context", inv.client_context))
        return ApiResponse(200, headers, inv.payload)

    # -- outcomes ------------------------------------------------------------------------------

    def _finish(self, kind: str, body: bytes, error_type: str | None = None) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        result, inv = self._result, self._current
        if result is None or result.done() or inv is None:
            return
        duration = (time.perf_counter() - self._t0) * 1000.0 if self._t0 else 0.0
        self._drain_log()
        if kind == "init_error" or (kind == "exit" and self.init_ms is None):
            out = bytes(self._log)  # the init phase's own output says what went wrong
            self.alive = False
        else:
            out = bytes(self._log[self._mark :])
        self._t0 = 0.0
        self._current = None
        result.set_result(
            Outcome(
                kind,
                body,
                self._compose(inv, out, duration, kind, error_type),
                error_type,
                duration,
            )
        )

    def _compose(
        self, inv: Invocation, out: bytes, ms: float, kind: str, error_type: str | None
    ) -> bytes:
        rid = inv.request_id
        init = None
        if self.init_ms is not None and not self._reported_init:
            init, self._reported_init = self.init_ms, True
        status = None
        if kind == "timeout":
            out += logs.timeout_line(rid, self.spec.timeout)
            status = "timeout"
        elif kind in ("init_error", "exit"):
            status = "error" + (f"\tError Type: {error_type}" if error_type else "")
        # On AWS the runtime logs through the telemetry channel, where a multi-line record
        # (an error and its traceback) keeps its lines; on a plain stdout it joins them with \r.
        out = out.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        report = logs.report_line(rid, ms, self.spec.memory, self._max_memory(), init, status)
        return logs.start_line(rid, self.spec.version) + out + logs.end_line(rid) + report

    def _timed_out(self) -> None:
        self._timer = None
        inv = self._current
        if inv is None:
            return
        self.kill()
        seconds = f"{self.spec.timeout:.2f}"
        message = f"RequestId: {inv.request_id} Error: Task timed out after {seconds} seconds"
        # The payload AWS returns for a timeout (errorType Sandbox.Timedout), see
        # https://docs.aws.amazon.com/lambda/latest/dg/troubleshooting-invocation.html
        body = json.dumps({"errorMessage": message, "errorType": "Sandbox.Timedout"}).encode()
        self._finish("timeout", body, "Sandbox.Timedout")

    def _init_timed_out(self) -> None:
        if self._current is not None and self.init_ms is None:
            self.spec = _with_timeout(self.spec, INIT_LIMIT)
            self._t0 = self._spawned
            self._timed_out()

    async def _watch_exit(self, proc: asyncio.subprocess.Process) -> None:
        code = await proc.wait()
        self.alive = False
        inv = self._current
        if inv is not None:
            how = (
                f"signal: {signal.Signals(-code).name[3:].lower()}"
                if code < 0
                else f"exit status {code}"
            )
            message = f"RequestId: {inv.request_id} Error: Runtime exited with error: {how}"
            body = json.dumps({"errorMessage": message, "errorType": "Runtime.ExitError"}).encode()
            self._finish("exit", body, "Runtime.ExitError")
        self.close()

    # -- logs and lifecycle --------------------------------------------------------------------

    def _read_log(self) -> None:
        self._drain_log()

    def _drain_log(self) -> None:
        """Read what the worker has written so far (it wrote before posting, so it is there)."""
        while self._log_fd >= 0:
            try:
                chunk = os.read(self._log_fd, 65536)
            except BlockingIOError:
                return
            except OSError:
                chunk = b""
            if not chunk:
                self._stop_reading()
                return
            self._log += chunk
            if len(self._log) > 1 << 20 and self._current is None:
                del self._log[:-65536]  # keep memory bounded between invocations
                self._mark = 0

    def _stop_reading(self) -> None:
        if self._log_fd >= 0:
            with contextlib.suppress(Exception):
                asyncio.get_running_loop().remove_reader(self._log_fd)
            os.close(self._log_fd)
            self._log_fd = -1

    def _max_memory(self) -> int:
        try:
            status = Path(f"/proc/{self.proc.pid}/status").read_text() if self.proc else ""
        except OSError:
            return 0
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) // 1024
        return 0

    def kill(self) -> None:
        self.alive = False
        if self.proc is not None and self.proc.returncode is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.proc.pid, signal.SIGKILL)  # the handler's children too

    def close(self) -> None:
        self.kill()
        self._drain_log()
        self._stop_reading()
        self.api.close()


def _with_timeout(spec: WorkerSpec, timeout: float) -> WorkerSpec:
    return WorkerSpec(
        spec.key,
        spec.name,
        spec.version,
        spec.task_root,
        spec.handler,
        timeout,
        spec.memory,
        spec.env,
    )


def _trace_id(request_id: str) -> str:
    # X-Ray's trace header shape: Root=1-{8 hex epoch}-{24 hex};Parent={16 hex};Sampled=0
    digits = request_id.replace("-", "")
    return f"Root=1-{int(time.time()):08x}-{digits[:24]};Parent={digits[-16:]};Sampled=0"
