"""Entry point of the mitmdump child: mitmdump itself, on uvloop when it is installed."""

from __future__ import annotations

import asyncio


def main() -> None:
    try:
        import uvloop
    except ImportError:  # uvloop is optional (uvicorn[standard] brings it on Linux and macOS)
        pass
    else:
        # mitmdump runs asyncio.run(); uvloop's loop cuts its per-connection overhead.
        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    from mitmproxy.tools.main import mitmdump

    mitmdump()


if __name__ == "__main__":
    main()
