"""Credentials the recorder signs upstream requests with (explicit, or botocore's chain)."""

from __future__ import annotations

from typing import Protocol

from awsrec.aws import botocore_adapter
from recorder.errors import RecorderError
from recorder.settings import UpstreamCredentials


class _Frozen(Protocol):
    access_key: str
    secret_key: str
    token: str | None


class _Refreshable(Protocol):
    def get_frozen_credentials(self) -> _Frozen: ...


def _botocore_chain() -> _Refreshable | None:
    """The standard botocore chain: env, shared config/profile, container, web identity, IMDS.

    https://docs.aws.amazon.com/sdkref/latest/guide/standardized-credentials.html
    """
    found: _Refreshable | None = botocore_adapter.default_credentials()
    return found


class CredentialSource:
    """Explicit credentials, or the standard chain's, refreshed as botocore sees fit.

    The chain is resolved once; `get_frozen_credentials()` on each request keeps refreshable
    credentials (IMDS, web identity, SSO) valid for a long recording.
    """

    def __init__(self, explicit: UpstreamCredentials | None) -> None:
        self.explicit = explicit
        self._chain: _Refreshable | None = None
        self._resolved = False

    def _lookup(self) -> UpstreamCredentials | None:
        if not self._resolved:
            self._chain = _botocore_chain()
            self._resolved = True
        if self._chain is None:
            return None
        frozen = self._chain.get_frozen_credentials()
        return UpstreamCredentials(frozen.access_key, frozen.secret_key, frozen.token or None)

    def get(self) -> UpstreamCredentials:
        if self.explicit is not None:
            return self.explicit
        found = self._lookup()
        if found is None:
            raise RecorderError(
                "no AWS credentials found (env, profile, container, web identity, IMDS); "
                "set them or pass --upstream-credentials KEY:SECRET[:TOKEN]"
            )
        return found

    def peek(self) -> UpstreamCredentials | None:
        """The credentials if any can be found, without failing (to register canaries)."""
        if self.explicit is not None:
            return self.explicit
        try:
            return self._lookup()
        except Exception:  # noqa: BLE001 - a broken chain only means no canaries from it
            return None
