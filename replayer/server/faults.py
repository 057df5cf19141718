"""The faults seam: where injected errors, resets and delays will plug into the pipeline."""

from __future__ import annotations

from pathlib import Path

from awsrec.errors import NotBuiltError
from replayer.state.base import ServeRequest, ServeResponse


class Faults:
    """No rules yet: the fault engine (its own issue) replaces this with rule matching."""

    def apply(self, request: ServeRequest) -> ServeResponse | None:
        """A response that pre-empts the normal answer to `request`, or None."""
        return None


def load_faults(path: Path | None) -> Faults:
    """Rules from `path`; refuses clearly while the engine is not built."""
    if path is None:
        return Faults()
    raise NotBuiltError(f"--faults {path}: fault injection is not built yet")
