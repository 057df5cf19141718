"""The raw ASGI3 app of `awsrec serve`: admin routes and AWS requests, with the journal."""

from __future__ import annotations

import logging
import time

from replayer.server.admin import PREFIX, Admin
from replayer.server.asgi import (
    ClientDisconnectedError,
    Incoming,
    Receive,
    Receiver,
    Scope,
    Send,
    incoming,
    send_response,
)
from replayer.server.config import ServeConfig
from replayer.server.faults import load_faults
from replayer.server.journal import Journal
from replayer.server.pipeline import Pipeline
from replayer.server.recordings import Recordings, load
from replayer.server.world import World
from replayer.state.base import Body, ServeResponse

log = logging.getLogger("awsrec.serve")
# Served by the Lambda model, not the admin API: /_awsrec/apigw/FUNCTION/any/path?q=1
APIGW_PREFIX = "/_awsrec/apigw/"


class App:
    """ASGI3 callable; built by `create_app`, run by uvicorn (see replayer.server.run)."""

    def __init__(self, config: ServeConfig) -> None:
        self.config = config
        self.recordings = Recordings(load(config.cassettes))
        faults = load_faults(config.faults_file)
        world = World(self.recordings, config.state_dir, config.account, config.models)
        self.pipeline = Pipeline(config, world, self.recordings, faults)
        self.journal = Journal()
        self.admin = Admin(config, self.pipeline, self.journal)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return  # lifespan is off; websockets are not AWS
        start = time.perf_counter()
        inc = incoming(scope)
        receiver = Receiver(receive)
        if inc.path.startswith(APIGW_PREFIX):
            await self._apigw(inc, receiver, send)
            return
        if inc.path.startswith(PREFIX):
            try:
                body = b"".join([chunk async for chunk in Body(receiver).chunks()])
            except ClientDisconnectedError:
                return
            await send_response(send, self.admin.handle(inc, body))
            return
        try:
            served = await self.pipeline.serve(inc, receiver)
            await receiver.drain()
        except ClientDisconnectedError:
            return
        head = inc.method == "HEAD"
        injection = served.injection
        if injection is not None and injection.on_wire:
            await injection.send(send, receive, served.response, head)
        else:
            await send_response(send, served.response, head=head)
        ms = (time.perf_counter() - start) * 1000.0
        resp = served.response
        faults = tuple(injection.rule_ids) if injection is not None else ()
        self.journal.add(
            served.service, served.operation, resp.status, served.source, resp.outcome, ms, faults
        )

    def close(self) -> None:
        """The server is stopping (see replayer.server.run): models stop what they run."""
        self.pipeline.world.close()

    async def _apigw(self, inc: Incoming, receiver: Receiver, send: Send) -> None:
        """Seam for the Lambda model's API Gateway v1 front (replayer.state.lambda_.apigw)."""
        front = getattr(self.pipeline.world.model("lambda"), "apigw", None)
        try:
            body = await Body(receiver).read()
            resp = await front(inc, body) if front is not None else None
        except ClientDisconnectedError:
            return
        except Exception:  # the server's top level: keep serving
            log.exception("API Gateway front failed for %s %s", inc.method, inc.raw_path)
            resp = ServeResponse(500, [("Content-Type", "application/json")], b'{"message":null}')
        if resp is None:
            resp = ServeResponse(404, [("Content-Type", "application/json")], b'{"message":null}')
        await send_response(send, resp, head=inc.method == "HEAD")


def create_app(config: ServeConfig) -> App:
    """Load cassettes, build W0 and return the app; raises AwsrecError on bad input."""
    return App(config)
