"""Which connection the running task serves: the handle connection-level faults act on."""

from __future__ import annotations

import contextvars
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from replayer.server.http.connection import Connection

# Set once by each connection's worker task; tasks the app starts from a request inherit it.
CURRENT: contextvars.ContextVar[Connection | None] = contextvars.ContextVar(
    "awsrec_http_connection", default=None
)


def current_connection() -> Connection | None:
    """The connection whose request the calling task serves (None under another server)."""
    return CURRENT.get()
