"""Cassette files on disk: the append-only crash-safe writer, streaming and whole-file readers."""

from __future__ import annotations

from awsrec.cassette_io.limits import (
    COMPRESSION_LEVEL,
    MAX_LIST_ITEMS,
    MAX_MAP_ITEMS,
    MAX_RECORD_BYTES,
)
from awsrec.cassette_io.reader import (
    TruncatedCassetteWarning,
    cassette_files,
    iter_cassette,
    load_cassette,
    uncompressed_bytes,
)
from awsrec.cassette_io.writer import CassetteWriter, Check, dump_cassette

__all__ = [
    "COMPRESSION_LEVEL",
    "MAX_LIST_ITEMS",
    "MAX_MAP_ITEMS",
    "MAX_RECORD_BYTES",
    "CassetteWriter",
    "Check",
    "TruncatedCassetteWarning",
    "cassette_files",
    "dump_cassette",
    "iter_cassette",
    "load_cassette",
    "uncompressed_bytes",
]
