"""Warm workers per function version, reused while code and configuration stay the same."""

from __future__ import annotations

import asyncio
import os

from replayer.state.lambda_.runtime.worker import Invocation, Outcome, Worker, WorkerSpec

# How many functions may run at once across the world (AWS's default account limit is 1000;
# a laptop is smaller). AWSREC_LAMBDA_CONCURRENCY overrides it.
DEFAULT_CONCURRENCY = 8


def concurrency_from_env() -> int:
    raw = os.environ.get("AWSREC_LAMBDA_CONCURRENCY", "")
    return int(raw) if raw.isdigit() and int(raw) > 0 else DEFAULT_CONCURRENCY


class Pool:
    """At most `limit` invocations run at once; idle workers wait for the next one."""

    def __init__(self, limit: int | None = None) -> None:
        self.limit = limit or concurrency_from_env()
        self._sem: asyncio.Semaphore | None = None
        self._idle: dict[tuple[str, ...], list[Worker]] = {}
        self._busy: set[Worker] = set()
        self.cold_starts = 0

    async def invoke(self, spec: WorkerSpec, inv: Invocation) -> Outcome:
        if self._sem is None:
            self._sem = asyncio.Semaphore(self.limit)
        async with self._sem:
            worker = await self._acquire(spec)
            self._busy.add(worker)
            try:
                outcome = await worker.invoke(inv)
            except BaseException:
                # Cancelled (the server is stopping) or broken: the worker is mid-invocation
                # and can never be reused, and an orphan would run until it exits by itself.
                worker.close()
                raise
            finally:
                self._busy.discard(worker)
            if worker.alive and worker.spec.key == spec.key:
                self._idle.setdefault(spec.key, []).append(worker)
            else:
                worker.close()
            return outcome

    async def _acquire(self, spec: WorkerSpec) -> Worker:
        idle = self._idle.get(spec.key, [])
        while idle:
            worker = idle.pop()
            if worker.alive:
                return worker
            worker.close()
        self._evict_for_room()
        worker = Worker(spec)
        self.cold_starts += 1
        await worker.start()
        return worker

    def _evict_for_room(self) -> None:
        """Keep at most `limit` processes: stop the oldest idle worker of another version."""
        count = sum(len(v) for v in self._idle.values()) + len(self._busy)
        for key in list(self._idle):
            if count < self.limit:
                return
            while self._idle[key] and count >= self.limit:
                self._idle[key].pop(0).close()
                count -= 1
            if not self._idle[key]:
                del self._idle[key]

    def retire(self, name: str) -> None:
        """Stop idle workers of function `name`; busy ones stop when their invocation ends."""
        for key in [k for k in self._idle if k[0] == name]:
            for worker in self._idle.pop(key):
                worker.close()
        for worker in self._busy:
            if worker.spec.name == name:
                worker.alive = False  # not reused: closed when its invocation ends

    def close(self) -> None:
        for workers in self._idle.values():
            for worker in workers:
                worker.close()
        self._idle.clear()
        for worker in list(self._busy):
            worker.kill()
