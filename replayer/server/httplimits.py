"""uvicorn's httptools protocol with a bound on request heads: no memory growth from headers."""

from __future__ import annotations

from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from replayer.server.http.limits import HEAD_TOO_LARGE, MAX_HEAD_BYTES

__all__ = ["MAX_HEAD_BYTES", "BoundedHttpToolsProtocol"]


class BoundedHttpToolsProtocol(HttpToolsProtocol):
    """Counts the bytes of each request head; past MAX_HEAD_BYTES, answers 400 and closes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_bytes = 0
        self._in_head = True
        self._heads = 0  # request heads completed on this connection
        self._messages = 0  # requests (head and body) completed on this connection

    def data_received(self, data: bytes) -> None:
        heads, messages = self._heads, self._messages
        super().data_received(data)
        if heads != self._heads or messages != self._messages:
            # A head or a whole request completed in this chunk (the rest may be a body's
            # tail, or a new request's first bytes, under-counted by at most one chunk).
            return
        if not self._in_head or self.transport.is_closing():
            return
        # asyncio hands over at most 256 KiB at a time, so this bounds what is buffered.
        self._head_bytes += len(data)
        if self._head_bytes > MAX_HEAD_BYTES:
            self.transport.write(HEAD_TOO_LARGE)
            self.transport.close()

    def on_headers_complete(self) -> None:
        self._in_head = False
        self._heads += 1
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._in_head = True
        self._messages += 1
        self._head_bytes = 0
