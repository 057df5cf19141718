"""One recorder (mitmdump child) per pytest session; each test's traffic tagged to its cassette.

The recorder writes every test into a scratch directory under a sequence tag (`00001`,
`00002`...); when the test ends its scratch cassette is copied to the test's cassette path.
Tags are unique, so a test that runs twice or two tests sharing a cassette never append to
each other, and a cassette under the test tree is replaced in one atomic rename.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import awsrec
from awsrec.cassette import Cassette, CassetteHeader, dump_cassette
from recorder.canaries import Canaries
from recorder.credentials import CredentialSource
from recorder.launcher import Recorder
from recorder.session import RecordOptions, make_settings
from recorder.sink import DEFAULT_NAME, cassette_file

# Whether to replace the cassette at the first path with the fresh recording at the second.
Replaces = Callable[[Path, Path], bool]


class RecordHost:
    """The session's recorder, started on a free loopback port in `--split-by header` mode."""

    def __init__(self, upstream: str | None, workdir: Path) -> None:
        opts = RecordOptions(out=workdir / "scratch", upstream=upstream, split_by="header")
        # Fails here, before any test runs, when no credentials can be found.
        self.settings = make_settings(opts, workdir / "mitmproxy")
        self.recorder = Recorder(self.settings, workdir)
        # The secrets the recorder's writer refuses to write; this process writes too.
        self.canaries = Canaries()
        credentials = CredentialSource(self.settings.upstream_credentials)
        self.canaries.register_known(credentials, self.settings.canaries)
        self.scratch = Path(self.settings.out)
        self._seq = 0
        self._errors = 0
        # Size of the scratch cassettes untagged requests would land in (see `_strays`).
        self._watched: dict[Path, int] = {cassette_file(self.scratch, DEFAULT_NAME): 0}

    @property
    def url(self) -> str:
        return self.recorder.url

    def start(self) -> RecordHost:
        self.recorder.start()
        return self

    def stop(self) -> None:
        self.recorder.stop()

    def begin(self) -> str:
        """A new tag for the next test's requests (sent as the x-awsrec-cassette header)."""
        self._seq += 1
        self._errors = len(self.recorder.errors)
        return f"{self._seq:05d}"

    def finish(self, tag: str, target: Path, only_if: Replaces | None = None) -> list[str]:
        """Write the test's recording to `target`; the problems that stopped it, if any.

        With `only_if`, an existing `target` is replaced only when `only_if(target, scratch)`
        says so (new_episodes keeps a cassette the run would still replay).
        """
        scratch = cassette_file(self.scratch, tag)
        problems = [f"not recorded: {e}" for e in self.recorder.errors[self._errors :]]
        problems += self._strays()
        if scratch.exists():
            self._watched = {
                cassette_file(self.scratch, DEFAULT_NAME): self._size(DEFAULT_NAME),
                scratch: scratch.stat().st_size,
            }
        if problems:
            return problems
        if only_if is not None and target.exists() and not only_if(target, scratch):
            return []  # nothing new: the committed cassette stays byte for byte
        target.parent.mkdir(parents=True, exist_ok=True)
        if scratch.exists():
            tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            shutil.copyfile(scratch, tmp)
            os.replace(tmp, target)
        else:
            # No requests: an empty cassette still says "recorded", so replay does not fail.
            dump_cassette(target, Cassette(self._header()), check=self.canaries.lasting.check)
        return []

    def _size(self, tag: str) -> int:
        path = cassette_file(self.scratch, tag)
        return path.stat().st_size if path.exists() else 0

    def _strays(self) -> list[str]:
        """A problem if untagged requests were recorded into another test's scratch cassette.

        The recorder files a request without our header under the last tag it saw: the
        previous test's scratch, or `default` before any tag.
        """
        grown = False
        for path, size in self._watched.items():
            now = path.stat().st_size if path.exists() else 0
            grown = grown or now > size
            self._watched[path] = now  # reported once, not again by every later test
        if not grown:
            return []
        return [
            "requests from a boto3 client awsrec did not create were recorded into another "
            "cassette; create clients with the awsrec_client fixture, boto3.client() or "
            "boto3.resource() (the default session), not a boto3.session.Session() of your own"
        ]

    def _header(self) -> CassetteHeader:
        return CassetteHeader(
            awsrec_version=awsrec.__version__,
            recorded_at=datetime.now(UTC).isoformat(timespec="seconds"),
            upstream=self.settings.upstream_identity,
            region=self.settings.region,
        )
