"""The recorder's typed settings: one frozen dataclass, handed to the mitmdump child as JSON."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Literal

from recorder.errors import RecorderError

# The children (mitmdump -s recorder/addon.py, and its cassette writer) read their settings,
# as JSON, from this variable. Never from a file: the settings may hold --upstream-credentials
# and canary values, and a file in a temporary directory outlives a recorder killed with -9.
SETTINGS_ENV = "AWSREC_RECORDER_SETTINGS"
# Header a test sets to start a new cassette under `--split-by header`; never forwarded.
SPLIT_HEADER = "x-awsrec-cassette"

Mode = Literal["endpoint", "proxy"]
MODES: tuple[Mode, ...] = ("endpoint", "proxy")


@dataclass(frozen=True, slots=True)
class UpstreamCredentials:
    """Credentials the recorder signs upstream requests with (endpoint mode)."""

    access_key: str
    secret_key: str
    session_token: str | None = None

    @classmethod
    def parse(cls, text: str) -> UpstreamCredentials:
        """Parse `KEY:SECRET[:TOKEN]` as given to `--upstream-credentials`."""
        parts = text.split(":", 2)
        if len(parts) < 2 or not parts[0] or not parts[1]:
            raise RecorderError("--upstream-credentials must be KEY:SECRET[:TOKEN]", usage=True)
        return cls(parts[0], parts[1], parts[2] if len(parts) == 3 and parts[2] else None)


@dataclass(frozen=True, slots=True)
class RecorderSettings:
    """Everything the addon needs; the launcher hands it over, each child reads it once."""

    # A cassette file, or a directory (always a directory with split_by="header").
    out: str
    mode: Mode = "endpoint"
    # None: real AWS regional endpoints; else every request goes to this base URL.
    upstream: str | None = None
    upstream_credentials: UpstreamCredentials | None = None
    # What the cassette header says it was recorded from: "aws", "moto-server <url>", a URL.
    upstream_identity: str = "aws"
    rules: str | None = None
    split_by: Literal["header"] | None = None
    only_aws: bool = False
    region: str = "us-east-1"
    listen_host: str = "127.0.0.1"
    port: int = 0
    # Where mitmproxy keeps its CA; the proxy-mode child trusts <confdir>/mitmproxy-ca-cert.pem.
    confdir: str = ""
    # Extra canary values (name -> value) the scanner must never let through.
    canaries: dict[str, str] = field(default_factory=dict)
    # True: a writer process appends, and "answered" means "handed over, written soon" (fast;
    # for runs read once they end: `awsrec record`). False: the proxy appends before it
    # answers, so the cassette is complete whenever a client holds its answer (readers that
    # look mid-run, like the pytest plugin). See recorder.handoff.
    offload: bool = False

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise RecorderError(f"--mode must be one of {', '.join(MODES)}", usage=True)
        if self.split_by not in (None, "header"):
            raise RecorderError("--split-by supports only 'header'", usage=True)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> RecorderSettings:
        data = json.loads(text)
        creds = data.pop("upstream_credentials", None)
        return cls(**data, upstream_credentials=UpstreamCredentials(**creds) if creds else None)

    def child_env(self, base: Mapping[str, str]) -> dict[str, str]:
        """`base` plus these settings, for the children (which inherit it to their own)."""
        return {**base, SETTINGS_ENV: self.to_json()}

    @classmethod
    def from_env(cls) -> RecorderSettings:
        """Read the settings from $AWSREC_RECORDER_SETTINGS (in the mitmdump child, the writer)."""
        text = os.environ.get(SETTINGS_ENV)
        if not text:
            raise RecorderError(f"${SETTINGS_ENV} is not set; start the addon via awsrec record")
        try:
            return cls.from_json(text)
        except (ValueError, TypeError) as e:
            # Not the text itself: it may hold a secret.
            raise RecorderError(f"${SETTINGS_ENV} does not hold recorder settings: {e}") from e
