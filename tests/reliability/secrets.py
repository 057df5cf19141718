"""The secrets sweep: find canary credentials and SigV4 signatures in cassette files."""

from __future__ import annotations

import hashlib
import re
import warnings
from collections.abc import Iterable
from pathlib import Path

from awsrec.cassette_io import load_cassette, uncompressed_bytes
from awsrec.errors import AwsrecError
from tests.recorder.helpers import ACCESS_KEY, SECRET_KEY, SESSION_TOKEN

# Every fake credential the suite signs with and could leak: the recorder's canaries and the
# secret of serve's --auth tests (its access key id is not a secret; cassettes may name it).
CANARIES = (
    ACCESS_KEY.encode(),
    SECRET_KEY.encode(),
    SESSION_TOKEN.encode(),
    b"SECRETCANARY0serve0auth0abcdefABCDEF1234",
)
_HEX64 = re.compile(rb"(?<![0-9a-fA-F])[0-9a-f]{64}(?![0-9a-fA-F])")
_SIGNATURE = re.compile(rb"(?i)(?:chunk-signature|x-amz-signature|signature)=([0-9a-f]{64})")
# Headers whose value is a body's SHA-256 by definition (never a signature).
_BODY_HASH_HEADERS = frozenset({"x-amz-content-sha256"})


def sweep(paths: Iterable[Path]) -> list[str]:
    """Findings (one line each) for the cassette files under `paths` (files or directories)."""
    findings: list[str] = []
    for path in cassettes(paths):
        findings += [f"{path}: {f}" for f in _sweep_file(path)]
    return findings


def cassettes(paths: Iterable[Path]) -> Iterable[Path]:
    """Every *.awsrec file under `paths`."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*.awsrec") if p.is_file())
        elif path.is_file():
            yield path


def _sweep_file(path: Path) -> list[str]:
    try:
        data = uncompressed_bytes(path)
    except (AwsrecError, OSError):
        data = path.read_bytes()  # not a readable cassette: at least its raw bytes
    found = [f"canary {c[:8].decode()}... present" for c in CANARIES if c in data]
    found += [f"signature {m.group(1)[:12].decode()}... present" for m in _SIGNATURE.finditer(data)]
    return found + _hex_in_fields(path)


def _hex_in_fields(path: Path) -> list[str]:
    """64-hex values in headers, query and paths that are not the SHA-256 of a body."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torn tails are dropped; their bytes were swept
            cassette = load_cassette(path)
    except (AwsrecError, OSError):
        return []
    found = []
    for i in cassette.interactions:
        bodies = {hashlib.sha256(b).hexdigest().encode() for b in (i.request.body, i.response.body)}
        fields = [("path", i.request.path), *i.request.query, *i.request.headers]
        fields += i.response.headers
        for name, value in fields:
            if name.lower() in _BODY_HASH_HEADERS:
                continue
            for match in _HEX64.findall(value.encode("utf-8", "surrogateescape")):
                if match not in bodies:
                    found.append(f"seq {i.seq}: 64-hex value in {name}: {match[:12].decode()}...")
    return found
