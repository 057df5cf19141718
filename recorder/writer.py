"""The writer process: normalise, secret-check and append each exchange the proxy hands over.

`python -m recorder.writer`, started by the mitmdump child (recorder.handoff) with its stdin a
pipe of msgpack frames and its stdout shared with the proxy's event lines. It reads until the
pipe ends, whoever closed it (a clean stop, or the proxy killed), so nothing handed over is lost.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from typing import BinaryIO

import msgpack

from awsrec.cassette import Interaction, decode_interaction
from awsrec.errors import AwsrecError
from recorder import capture, events
from recorder.credentials import CredentialSource
from recorder.settings import RecorderSettings
from recorder.sink import CassetteSink

Pairs = list[tuple[str, str]]
# A frame carries whole bodies (a 5 GiB PutObject is one frame); msgpack's default is 100 MiB.
MAX_FRAME = 2**31 - 1


def _pairs(flat: list[str]) -> Pairs:
    it = iter(flat)
    return list(zip(it, it, strict=True))


def write_frame(sink: CassetteSink, frame: dict[str, object]) -> None:
    """Append one handed-over frame (see recorder.handoff for its layout)."""
    name = frame.get("cassette")
    signed = frame.get("signed")
    append_exchange(
        sink,
        name if isinstance(name, str) else None,
        decode_interaction(frame["interaction"]),
        _pairs(signed) if isinstance(signed, list) else [],
    )


def append_exchange(
    sink: CassetteSink, name: str | None, interaction: Interaction, signed: Pairs
) -> None:
    """Name its operation, append one exchange, and report it (or why it was refused)."""
    interaction.operation = capture.operation_of(interaction)
    # This exchange's signatures (the SDK's and the recorder's own) are its canaries.
    scanner = sink.canaries.exchange(interaction.request.headers, interaction.request.query)
    sink.canaries.add(scanner, signed, [])
    service, operation = interaction.service, interaction.operation
    try:
        path = sink.append(name, interaction, scanner)
    except AwsrecError as e:
        # Fail closed: nothing of it was written; say so once, on a line of its own.
        message = f"{service} {operation}: {e}"
        print(f"awsrec: {message}", file=sys.stderr, flush=True)
        events.emit(events.Event("error", service=service, message=message))
        return
    events.emit(events.Event("recorded", 0, service, operation, str(path)))


def open_sink(settings: RecorderSettings) -> CassetteSink:
    sink = CassetteSink(settings)
    sink.canaries.register_known(CredentialSource(settings.upstream_credentials), settings.canaries)
    return sink


def run(stream: BinaryIO, settings: RecorderSettings) -> None:
    sink = open_sink(settings)
    unpacker = msgpack.Unpacker(stream, raw=False, max_buffer_size=MAX_FRAME)
    try:
        # A frame torn by a proxy killed mid-write ends the iteration: it was never answered.
        for frame in unpacker:
            write_frame(sink, frame)
    finally:
        sink.close()


def _yield_to_the_proxy() -> None:
    """Let the proxy keep the CPU when it hands a frame over, rather than switch to us.

    Each frame wakes this process; with default scheduling Linux may preempt the proxy in the
    middle of answering to run the writer, which puts the writer's work back on the answer's
    path. SCHED_BATCH turns off wakeup preemption for us (sched(7)); a lower priority keeps us
    behind the proxy when both want a core. The pipe's backpressure bounds how far we lag.
    """
    with contextlib.suppress(AttributeError, OSError):  # not Linux: ordinary scheduling
        os.sched_setscheduler(0, os.SCHED_BATCH, os.sched_param(0))
    with contextlib.suppress(OSError):
        os.nice(5)


def main() -> None:
    # Ctrl-C is for the proxy (it stops in order); the writer stops when its input ends.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _yield_to_the_proxy()
    # Unbuffered: a buffered read(n) waits for n bytes; each frame must be taken as it comes.
    with open(sys.stdin.fileno(), "rb", buffering=0, closefd=False) as stream:
        run(stream, RecorderSettings.from_env())


if __name__ == "__main__":
    main()
