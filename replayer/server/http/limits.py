"""The HTTP server's bounds and the canned answers it gives before any app sees a request."""

from __future__ import annotations

import http

# Request line plus headers. AWS's own limits are far lower (S3: 8 KB of PUT headers,
# https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingMetadata.html); this only bounds
# what one connection can make the server buffer before the app sees the request.
MAX_HEAD_BYTES = 64 * 1024
# Request body bytes buffered for an app that has not asked for them yet; past this the
# connection stops reading and TCP flow control holds the client back.
BODY_HIGH_WATER = 256 * 1024
# How long a connection closed with request bytes still coming keeps reading (and dropping)
# them, so its last answer is not destroyed by a TCP reset (RFC 9112, 9.6).
LINGER_S = 2.0
# Below this size a response head and its body go out as one buffer (one send); above it, as
# two buffers in one writev, without copying the body.
JOIN_BELOW = 16 * 1024

# S3's answer to an oversized head (the server cannot know the service yet; S3 is the default
# dialect): https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList
_TOO_LARGE_BODY = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>RequestHeaderSectionTooLarge</Code>'
    b"<Message>Your request header section exceeds the maximum allowed size.</Message>"
    b"<MaxSizeAllowed>%d</MaxSizeAllowed></Error>" % MAX_HEAD_BYTES
)
HEAD_TOO_LARGE = (
    b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/xml\r\nconnection: close\r\n"
    b"content-length: %d\r\n\r\n%s" % (len(_TOO_LARGE_BODY), _TOO_LARGE_BODY)
)
# Bytes that are not HTTP/1.1: the same words uvicorn uses, so clients and tests see one answer
# whichever server runs.
_BAD_BODY = b"Invalid HTTP request received."
BAD_REQUEST = (
    b"HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain; charset=utf-8\r\n"
    b"connection: close\r\ncontent-length: %d\r\n\r\n%s" % (len(_BAD_BODY), _BAD_BODY)
)
_ERROR_BODY = b"Internal Server Error"
SERVER_ERROR = (
    b"HTTP/1.1 500 Internal Server Error\r\ncontent-type: text/plain; charset=utf-8\r\n"
    b"connection: close\r\ncontent-length: %d\r\n\r\n%s" % (len(_ERROR_BODY), _ERROR_BODY)
)
CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"


def _status_line(status: int) -> bytes:
    try:
        phrase = http.HTTPStatus(status).phrase.encode()
    except ValueError:
        phrase = b""
    return b"HTTP/1.1 %d %s\r\n" % (status, phrase)


STATUS_LINES = {status: _status_line(status) for status in range(100, 600)}


def status_line(status: int) -> bytes:
    """The response's first line, CRLF included."""
    line = STATUS_LINES.get(status)
    return line if line is not None else _status_line(status)
