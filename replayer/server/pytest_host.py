"""One replay server per pytest session; each test's cassette is swapped in as its own app.

One port for the whole session keeps AWS_ENDPOINT_URL stable, and starting uvicorn once
(stopping it costs ~0.2 s) instead of per test keeps a suite of hundreds of tests fast. Each
test still gets a fresh app: its own world W0, strict cursors, journal and faults.
Started by awsrec's pytest plugin (awsrec.pytest_plugin) inside its session fixture.
"""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

from awsrec.cassette import load_cassette
from awsrec.errors import AwsrecError
from replayer.server.app import App, create_app
from replayer.server.asgi import Receive, Scope, Send
from replayer.server.config import ServeConfig
from replayer.server.run import bind, uvicorn_server


class _Host(App):
    """An (empty) App that hands every request to the current test's app, when there is one."""

    def __init__(self, config: ServeConfig) -> None:
        super().__init__(config)
        self.current: App | None = None
        self.loop: asyncio.AbstractEventLoop | None = None  # the server's, once it has served

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.loop = asyncio.get_running_loop()
        app = self.current  # read once: a swap between tests never splits a request
        if app is None:
            await super().__call__(scope, receive, send)
        else:
            await app(scope, receive, send)


class ReplayHost:
    """The session's replay server, on a free loopback port, in a daemon thread."""

    # TODO(dedupe): the thread start/stop below repeats run.BackgroundServer's; share it once
    # run.py's choice of HTTP server settles (this host still runs uvicorn, as it did).

    def __init__(self) -> None:
        self._base = ServeConfig(port=0)
        self.sock = bind(self._base.host, 0)
        self.url = f"http://{self._base.host}:{self.sock.getsockname()[1]}"
        self.host = _Host(self._base)
        self._server = uvicorn_server(self.host, self._base)
        self._thread = threading.Thread(target=self._run, name="awsrec-pytest-serve", daemon=True)
        self._error: BaseException | None = None

    def _run(self) -> None:
        try:
            self._server.run(sockets=[self.sock])
        except BaseException as e:  # surfaced by start()
            self._error = e

    def start(self, timeout: float = 30.0) -> ReplayHost:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if self._error is not None or not self._thread.is_alive():
                raise AwsrecError(f"awsrec replay server did not start: {self._error!r}")
            if time.monotonic() > deadline:
                raise AwsrecError(f"awsrec replay server did not start within {timeout}s")
            time.sleep(0.005)
        return self

    def load(self, cassette: Path, strict: bool, faults: Path | None) -> str:
        """Serve `cassette` (fresh world) until `unload`; returns the region it was recorded in."""
        region = load_cassette(cassette).header.region
        config = ServeConfig(
            cassettes=[cassette], port=0, strict=strict, faults_file=faults, region=region
        )
        self.host.current = create_app(config)
        return region

    def unload(self) -> None:
        """Stop serving the test's app and close it (e.g. kill its warm Lambda workers)."""
        app, self.host.current = self.host.current, None
        if app is None:
            return
        loop = self.host.loop
        if loop is None or not loop.is_running():
            app.close()
            return

        async def close() -> None:  # models close on the loop they run on
            app.close()

        asyncio.run_coroutine_threadsafe(close(), loop).result(timeout=30)

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(10)
        self.sock.close()
