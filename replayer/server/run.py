"""Running the app on uvicorn: binding, the foreground server, and a background-thread server."""

from __future__ import annotations

import errno
import socket
import threading
import time

import uvicorn

from awsrec.errors import AwsrecError
from replayer.server.app import App, create_app
from replayer.server.config import ServeConfig
from replayer.server.httplimits import BoundedHttpToolsProtocol


class PortInUseError(AwsrecError):
    """The requested port is already taken."""


def bind(host: str, port: int) -> socket.socket:
    """Bind the listening socket ourselves: a clear error for a busy port, and port 0 works."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as e:
        sock.close()
        if e.errno == errno.EADDRINUSE:
            raise PortInUseError(f"port {port} on {host} is already in use") from e
        raise AwsrecError(f"cannot listen on {host}:{port}: {e.strerror}") from e
    sock.listen(1024)
    sock.set_inheritable(True)
    return sock


def _loop() -> str:
    try:
        import uvloop  # noqa: F401
    except ImportError:
        return "asyncio"
    return "uvloop"


class _Server(uvicorn.Server):
    """uvicorn's server, which also stops what the app's models run when it stops."""

    def __init__(self, settings: uvicorn.Config, app: App) -> None:
        super().__init__(settings)
        self._app = app

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        # Before waiting for open requests: an Invoke in flight may run for up to 15 minutes,
        # and killing its worker ends it now. Again after: a request that raced the stop.
        self._app.close()
        try:
            await super().shutdown(sockets)
        finally:
            self._app.close()


def uvicorn_server(app: App, config: ServeConfig) -> uvicorn.Server:
    settings = uvicorn.Config(
        app,
        host=config.host,
        port=config.port,
        http=BoundedHttpToolsProtocol,  # httptools, with a bound on request heads
        loop=_loop(),
        lifespan="off",
        ws="none",  # AWS APIs are plain HTTP; loading websockets costs ~20 ms at start
        access_log=False,
        log_level="debug" if config.debug else "warning",
        server_header=False,  # the recorded form decides Server (e.g. AmazonS3)
        date_header=False,  # the pipeline sets Date, once
        timeout_keep_alive=75,
        proxy_headers=False,  # admin access is decided by the real peer address
    )
    return _Server(settings, app)


def serve_forever(config: ServeConfig, sock: socket.socket | None = None) -> None:
    """Serve in the foreground until interrupted."""
    sock = sock or bind(config.host, config.port)
    app = create_app(config)
    uvicorn_server(app, config).run(sockets=[sock])


class BackgroundServer:
    """The server in a daemon thread on its own loop; for tests and benchmarks."""

    def __init__(self, config: ServeConfig) -> None:
        self.sock = bind(config.host, config.port)
        port = int(self.sock.getsockname()[1])
        host = config.host
        self.url = f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
        self.app = create_app(config)
        self._server = uvicorn_server(self.app, config)
        self._thread = threading.Thread(target=self._run, name=f"awsrec-serve-{port}", daemon=True)
        self._error: BaseException | None = None

    def _run(self) -> None:
        try:
            self._server.run(sockets=[self.sock])
        except BaseException as e:  # surfaced by start()
            self._error = e

    def start(self, timeout: float = 10.0) -> BackgroundServer:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if self._error is not None or not self._thread.is_alive():
                raise AwsrecError(f"server thread died: {self._error!r}")
            if time.monotonic() > deadline:
                raise AwsrecError(f"server did not start within {timeout}s")
            time.sleep(0.005)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(10)
        self.sock.close()
