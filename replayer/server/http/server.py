"""The server: listening sockets, the event loop, idle connections, signals, graceful shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import socket
from collections.abc import Callable, Sequence

from replayer.server.http.connection import App, Connection

log = logging.getLogger("awsrec.http")


def loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """The loop factory: uvloop's when installed (it is with uvicorn[standard]), else None."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


class HttpServer:
    """Serves an ASGI3 app over HTTP/1.1 on the given listening sockets.

    Offers what the project uses of uvicorn.Server: `run(sockets)`, `started`, and
    `should_exit`, which may be set from another thread.
    """

    def __init__(
        self,
        app: App,
        *,
        on_shutdown: Callable[[], None] | None = None,
        idle_timeout: float = 75.0,
        graceful_timeout: float = 30.0,
    ) -> None:
        self.app = app
        self.on_shutdown = on_shutdown  # e.g. the app's close(): models stop what they run
        self.idle_timeout = idle_timeout
        self.graceful_timeout = graceful_timeout
        self.connections: set[Connection] = set()
        self.started = False
        self._exit = False
        self._force = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None

    @property
    def should_exit(self) -> bool:
        return self._exit

    @should_exit.setter
    def should_exit(self, value: bool) -> None:
        self._exit = value
        loop, stop = self._loop, self._stop
        if value and loop is not None and stop is not None:
            with contextlib.suppress(RuntimeError):  # the loop already closed
                loop.call_soon_threadsafe(stop.set)

    def run(self, sockets: list[socket.socket]) -> None:
        """Serve on `sockets` (bound and listening) until should_exit or SIGINT/SIGTERM."""
        with asyncio.Runner(loop_factory=loop_factory()) as runner:
            runner.run(self.serve(sockets))

    async def serve(self, sockets: list[socket.socket]) -> None:
        loop = asyncio.get_running_loop()
        self._loop, self._stop = loop, asyncio.Event()
        if self._exit:
            self._stop.set()
        servers = [
            await loop.create_server(self._connection, sock=sock, backlog=1024) for sock in sockets
        ]
        handled = self._handle_signals(loop)
        sweeper = loop.create_task(self._sweep())
        self.started = True
        try:
            await self._stop.wait()
        finally:
            sweeper.cancel()
            await self._shutdown(servers)
            for sig in handled:
                loop.remove_signal_handler(sig)

    def _connection(self) -> Connection:
        return Connection(self.app, self.connections)

    def _handle_signals(self, loop: asyncio.AbstractEventLoop) -> list[int]:
        handled: list[int] = []
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(sig, self._on_signal)
            except (ValueError, RuntimeError, NotImplementedError):
                continue  # not the main thread (a test's server): the owner stops it
            handled.append(sig)
        return handled

    def _on_signal(self) -> None:
        if self._exit:
            self._force = True  # a second Ctrl-C: stop waiting for requests in progress
        self.should_exit = True

    async def _sweep(self) -> None:
        """Close connections idle for longer than idle_timeout (keep-alive or half-sent heads)."""
        assert self._loop is not None
        interval = min(5.0, self.idle_timeout / 2)
        while True:
            await asyncio.sleep(interval)
            now = self._loop.time()
            for conn in list(self.connections):
                if conn.idle_for(now) > self.idle_timeout:
                    conn.expire()

    async def _shutdown(self, servers: Sequence[asyncio.AbstractServer]) -> None:
        for server in servers:
            server.close()
        # Before waiting for requests in progress: an Invoke in flight may run for up to 15
        # minutes, and stopping its worker ends it now. Again after: a request that raced.
        self._close_app()
        for conn in list(self.connections):
            conn.shutdown()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.graceful_timeout
        while self.connections and not self._force and loop.time() < deadline:
            await asyncio.sleep(0.02)
        for conn in list(self.connections):
            conn.transport.abort()
        self._close_app()
        for server in servers:
            await server.wait_closed()

    def _close_app(self) -> None:
        if self.on_shutdown is None:
            return
        try:
            self.on_shutdown()
        except Exception:  # the server's top level: stopping goes on
            log.exception("shutdown hook failed")
