"""Name the upstream a cassette was recorded from, for its header."""

from __future__ import annotations

import json
import urllib.error
import urllib.request


def identify(upstream: str | None, timeout: float = 3.0) -> str:
    """`aws` for real AWS; `moto-server <url>` for a moto server; else the URL itself.

    moto does not publish its version over HTTP (its `Server` header is Werkzeug's), so a
    moto upstream is recognised by its `/moto-api/data.json` admin endpoint instead.
    """
    if not upstream:
        return "aws"
    base = upstream.rstrip("/")
    try:
        with urllib.request.urlopen(f"{base}/moto-api/data.json", timeout=timeout) as reply:
            if reply.status == 200 and isinstance(json.loads(reply.read()), dict):
                return f"moto-server {base}"
    except (OSError, ValueError):
        pass  # not moto, or not reachable yet: the URL is the honest answer
    return base
