"""The recorder's typed settings: one frozen dataclass, handed to the mitmdump child as JSON."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

from recorder.errors import RecorderError

# The child (mitmdump -s recorder/addon.py) finds its settings file through this variable.
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
    """Everything the addon needs; the launcher writes it, the child reads it once."""

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

    def write(self, path: Path) -> Path:
        """Write the settings where only this user can read them (they may hold a secret)."""
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(self.to_json())
        return path

    @classmethod
    def from_env(cls) -> RecorderSettings:
        """Read the settings file named by $AWSREC_RECORDER_SETTINGS (in the mitmdump child)."""
        name = os.environ.get(SETTINGS_ENV)
        if not name:
            raise RecorderError(f"${SETTINGS_ENV} is not set; start the addon via awsrec record")
        try:
            return cls.from_json(Path(name).read_text(encoding="utf-8"))
        except (OSError, ValueError, TypeError) as e:
            raise RecorderError(f"cannot read recorder settings {name}: {e}") from e
