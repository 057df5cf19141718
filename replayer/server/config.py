"""The one typed settings object for `awsrec serve`."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from awsrec.errors import AwsrecError

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})


@dataclass(frozen=True, slots=True)
class ServeConfig:
    """Everything the replay server needs to know; built once by the CLI or a test."""

    cassettes: list[Path] = field(default_factory=list)
    host: str = "127.0.0.1"
    port: int = 4566
    strict: bool = False
    state_dir: Path | None = None
    faults_file: Path | None = None
    account: str = "000000000000"
    region: str = "us-east-1"
    admin_token: str | None = None
    # `--auth sigv4 --credentials FILE`: verify request signatures (replayer.server.auth).
    auth: str | None = None
    credentials_file: Path | None = None
    debug: bool = False
    # Service -> "module:Class" overrides of replayer.state.base.MODEL_PATHS (plug-in models).
    models: dict[str, str] = field(default_factory=dict)

    @property
    def endpoint(self) -> str:
        """The URL clients should use (IPv6 hosts bracketed)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def loopback(self) -> bool:
        return self.host in LOOPBACK_HOSTS or self.host.startswith("127.")


def check_state_dir(path: Path) -> None:
    """Make `path` a directory the server can write in, or say why not (AwsrecError).

    Checked at start-up: otherwise the server starts and every write answers 500.
    """
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):  # writable, even for root on a read-only mount
            pass
    except OSError as e:
        reason = "it is not a directory" if path.exists() and not path.is_dir() else e.strerror
        raise AwsrecError(f"--state-dir {path}: cannot keep state there: {reason or e}") from e
