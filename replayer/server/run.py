"""Running the app: binding, choosing the HTTP server, the foreground and background servers."""

from __future__ import annotations

import errno
import os
import socket
import threading
import time
from typing import TYPE_CHECKING, Protocol

from awsrec.errors import AwsrecError, UsageError
from replayer.server.app import App, create_app
from replayer.server.config import ServeConfig
from replayer.server.http import HttpServer

if TYPE_CHECKING:
    import uvicorn

# Which HTTP server runs the app: "awsrec" (replayer.server.http, the default) or "uvicorn"
# (httptools), kept for comparison. Measured with a trivial app, server CPU per 1 KiB GET is
# ~21 us on awsrec's against ~33 us on uvicorn (one send per response instead of two).
SERVER_ENV = "AWSREC_HTTP_SERVER"
SERVERS = ("awsrec", "uvicorn")
DEFAULT_SERVER = "awsrec"


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
    except OverflowError as e:  # a port outside 0..65535 (the CLI's bounds stop it first)
        sock.close()
        raise UsageError(f"cannot listen on {host}:{port}: {e}") from e
    sock.listen(1024)
    sock.set_inheritable(True)
    return sock


class Server(Protocol):
    """What runs the app: HttpServer, or uvicorn.Server."""

    started: bool
    should_exit: bool

    def run(self, sockets: list[socket.socket]) -> None: ...


def make_server(app: App, config: ServeConfig, kind: str | None = None) -> Server:
    """The HTTP server for `app`: `kind`, else $AWSREC_HTTP_SERVER, else awsrec's own."""
    kind = kind or os.environ.get(SERVER_ENV) or DEFAULT_SERVER
    if kind == "uvicorn":
        return uvicorn_server(app, config)
    if kind != "awsrec":
        raise UsageError(f"{SERVER_ENV}={kind!r}: expected one of {', '.join(SERVERS)}")
    # Models are stopped before waiting for open requests (an Invoke in flight may run for up
    # to 15 minutes, and killing its worker ends it now) and again after.
    return HttpServer(app, on_shutdown=app.close, idle_timeout=75.0)


def _loop() -> str:
    try:
        import uvloop  # noqa: F401
    except ImportError:
        return "asyncio"
    return "uvloop"


def uvicorn_server(app: App, config: ServeConfig) -> uvicorn.Server:
    """The uvicorn server (httptools, bounded heads) for `app`; imported only when asked for."""
    import uvicorn

    from replayer.server.httplimits import BoundedHttpToolsProtocol

    class _Server(uvicorn.Server):
        """uvicorn's server, which also stops what the app's models run when it stops."""

        async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
            # Before waiting for open requests: an Invoke in flight may run for up to 15
            # minutes, and killing its worker ends it now. Again after: a request that raced.
            app.close()
            try:
                await super().shutdown(sockets)
            finally:
                app.close()

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
    return _Server(settings)


def serve_forever(config: ServeConfig, sock: socket.socket | None = None) -> None:
    """Serve in the foreground until interrupted."""
    sock = sock or bind(config.host, config.port)
    app = create_app(config)
    make_server(app, config).run(sockets=[sock])


class BackgroundServer:
    """The server in a daemon thread on its own loop; for tests and benchmarks."""

    def __init__(
        self, config: ServeConfig, server: str | None = None, app: App | None = None
    ) -> None:
        # `server`: "awsrec" or "uvicorn"; None picks as make_server does. `app`: serve this
        # app instead of one made from `config` (the pytest plugin's per-test host).
        self.sock = bind(config.host, config.port)
        port = int(self.sock.getsockname()[1])
        host = config.host
        self.url = f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
        self.app = app if app is not None else create_app(config)
        self._server = make_server(self.app, config, server)
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
