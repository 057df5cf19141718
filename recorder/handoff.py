"""The proxy's side of the writer pipe: start the writer process and hand it each exchange.

Normalising, secret-scanning, packing and appending (~1 ms of CPU an exchange) run in the
writer process (`recorder.writer`), on the other core, instead of on mitmproxy's event loop
between the upstream's answer and the client's. What the proxy does before it answers is
one `write()` of the raw exchange into the pipe.

The guarantee: once `send()` returns, the exchange is in the kernel's pipe buffer or already
read by the writer, and the writer drains the pipe to its end even when the proxy dies (kill -9
included), so an exchange whose response reached the client is written. If the *writer* dies,
what it had not yet appended is lost; the proxy notices at its next exchange (the writer has
exited, or the pipe is broken) and fails closed: it answers 502 instead of the upstream's
response, so nothing is answered that is not written from then on.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import subprocess
import sys
from typing import Protocol

import msgpack

from awsrec.cassette import Interaction, encode_interaction
from recorder import writer
from recorder.errors import RecorderError
from recorder.settings import RecorderSettings

Pairs = list[tuple[str, str]]
WRITER = [sys.executable, "-m", "recorder.writer"]
# Room for bursts of small exchanges without blocking the event loop on the writer; Linux
# grants up to /proc/sys/fs/pipe-max-size (1 MiB by default) without privileges.
PIPE_BYTES = 1 << 20


class WriterGone(RecorderError):
    """The writer process has exited: nothing more can be recorded."""


class Sender(Protocol):
    """Where the Record addon puts each exchange before the client gets its answer."""

    def send(self, name: str | None, interaction: Interaction, signed: Pairs) -> None: ...

    def close(self) -> int: ...


class Inline:
    """No writer process: append on the event loop, so "answered" means "on disk"."""

    def __init__(self, settings: RecorderSettings) -> None:
        self._sink = writer.open_sink(settings)

    def send(self, name: str | None, interaction: Interaction, signed: Pairs) -> None:
        writer.append_exchange(self._sink, name, interaction, signed)

    def close(self) -> int:
        self._sink.close()
        return 0


class Handoff:
    """Owns the writer child and the write end of its stdin pipe."""

    def __init__(self) -> None:
        # The writer shares our stdout (its events reach the launcher as ours do) and our
        # environment (the settings file); its stdin is the pipe.
        self._proc = subprocess.Popen(WRITER, stdin=subprocess.PIPE, close_fds=True)
        assert self._proc.stdin is not None
        self._fd = self._proc.stdin.fileno()
        # Not Linux, or a lower limit: the default 64 KiB works too, with less slack.
        with contextlib.suppress(AttributeError, OSError):
            fcntl.fcntl(self._fd, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
        self._packer = msgpack.Packer(use_bin_type=True)

    @property
    def pid(self) -> int:
        return self._proc.pid

    def send(self, name: str | None, interaction: Interaction, signed: Pairs) -> None:
        """Hand one exchange to the writer; WriterGone if it cannot take it."""
        if self._proc.poll() is not None:
            raise WriterGone(f"the cassette writer exited ({self._proc.returncode})")
        frame = {
            "cassette": name,
            "interaction": encode_interaction(interaction),
            "signed": [item for pair in signed for item in pair],
        }
        data = memoryview(self._packer.pack(frame))
        try:
            while data:  # a blocking pipe may still take a large frame in parts
                data = data[os.write(self._fd, data) :]
        except OSError as e:
            raise WriterGone(f"the cassette writer is gone: {e}") from e

    def close(self, timeout: float = 30.0) -> int:
        """End of input: the writer appends what is left, closes its cassettes and exits."""
        if self._proc.stdin is not None and not self._proc.stdin.closed:
            with contextlib.suppress(OSError):  # already broken: the writer is gone
                self._proc.stdin.close()
        try:
            return self._proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            return self._proc.wait()
