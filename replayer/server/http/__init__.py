"""awsrec's own HTTP/1.1 server for the ASGI app: asyncio (uvloop) and httptools, nothing else."""

from replayer.server.http.connection import Connection
from replayer.server.http.context import current_connection
from replayer.server.http.server import HttpServer

__all__ = ["Connection", "HttpServer", "current_connection"]
