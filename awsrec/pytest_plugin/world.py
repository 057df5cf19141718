"""`awsrec_world`: the replay server's admin API (reset, state, journal, unmatched) for a test."""

from __future__ import annotations

import json
from typing import Any

from awsrec.errors import AwsrecError


class NotReplayingError(AwsrecError):
    """The world was asked for while the test talks to a recorder or to the upstream itself."""


class AwsrecWorld:
    """The replay server's world for the current test, through `/_awsrec/` on loopback."""

    def __init__(self, url: str | None, why_not: str = "") -> None:
        self.url = url
        self._why_not = why_not

    @property
    def replaying(self) -> bool:
        """True when the test is served offline (only then is there a world to inspect)."""
        return self.url is not None

    def reset(self) -> None:
        """Back to the cassette's initial world W0; also rewinds strict replay and the journal."""
        self._call("POST", "reset")

    def state(self) -> dict[str, Any]:
        """The state models' dump, per service (buckets, tables, functions...)."""
        doc = self._call("GET", "state")
        if not isinstance(doc, dict):
            raise AwsrecError(f"/_awsrec/state answered {type(doc).__name__}, expected a map")
        return doc

    def journal(self) -> list[dict[str, Any]]:
        """The requests served so far: service, operation, status, source, outcome."""
        return self._list("journal")

    def unmatched(self) -> list[dict[str, Any]]:
        """Strict mode's mismatches so far: each request, its nearest recording, the differences."""
        return self._list("unmatched")

    def _list(self, route: str) -> list[dict[str, Any]]:
        doc = self._call("GET", route)
        if not isinstance(doc, list):
            raise AwsrecError(f"/_awsrec/{route} answered {type(doc).__name__}, expected a list")
        return doc

    def _call(self, method: str, route: str) -> object:
        if self.url is None:
            raise NotReplayingError(f"awsrec_world needs a replay server: {self._why_not}")
        return admin_call(self.url, method, route)


def admin_call(url: str, method: str, route: str) -> object:
    """One admin request to the replay server at `url`; its decoded JSON answer."""
    import urllib.error
    import urllib.request

    req = urllib.request.Request(f"{url}/_awsrec/{route}", method=method, data=b"")
    # The server is on loopback: a proxy from the environment must never carry this request.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(req, timeout=30) as reply:
            return json.loads(reply.read())
    except (OSError, ValueError) as e:
        raise AwsrecError(f"{method} {url}/_awsrec/{route} failed: {e}") from e
