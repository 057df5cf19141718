"""One replay server per pytest session; each test's cassette is swapped in as its own app.

One port for the whole session keeps AWS_ENDPOINT_URL stable, and starting the server once
instead of per test keeps a suite of hundreds of tests fast. Each
test still gets a fresh app: its own world W0, strict cursors, journal and faults.
Started by awsrec's pytest plugin (awsrec.pytest_plugin) inside its session fixture.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from awsrec.cassette import load_cassette
from replayer.server.app import App, create_app
from replayer.server.asgi import Receive, Scope, Send
from replayer.server.config import ServeConfig
from replayer.server.run import BackgroundServer


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

    def __init__(self) -> None:
        base = ServeConfig(port=0)
        self.host = _Host(base)
        self._server = BackgroundServer(base, app=self.host)
        self.url = self._server.url

    def start(self, timeout: float = 30.0) -> ReplayHost:
        self._server.start(timeout)
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
        self._server.stop()
