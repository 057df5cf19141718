"""uvicorn's httptools protocol with a bound on request heads: no memory growth from headers."""

from __future__ import annotations

from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

# Request line plus headers. AWS's own limits are far lower (S3: 8 KB of PUT headers,
# https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingMetadata.html); this only bounds
# what one connection can make the server buffer before the app sees the request.
MAX_HEAD_BYTES = 64 * 1024
# S3's answer to an oversized head (the server cannot know the service yet; S3 is the default
# dialect): https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList
_TOO_LARGE = (
    b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/xml\r\nconnection: close\r\n"
    b"content-length: %d\r\n\r\n%s"
)
_BODY = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>RequestHeaderSectionTooLarge</Code>'
    b"<Message>Your request header section exceeds the maximum allowed size.</Message>"
    b"<MaxSizeAllowed>%d</MaxSizeAllowed></Error>" % MAX_HEAD_BYTES
)


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
            self.transport.write(_TOO_LARGE % (len(_BODY), _BODY))
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
