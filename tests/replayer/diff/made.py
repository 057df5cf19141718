"""Diff results made in-process (no servers): for report, history and exit-code tests."""

from __future__ import annotations

from pathlib import Path

from awsrec.cassette import CassetteHeader, Interaction, Request, Response
from awsrec.cassette_io import CassetteWriter
from replayer.diff import history as hist
from replayer.diff.model import Difference, InteractionResult, Severity, Target, TargetRun
from replayer.diff.reports.document import Document, build_document


def run_of(name: str, outcomes: list[bool]) -> TargetRun:
    """A target's run of s3/GetObject interactions, passing or failing as `outcomes` says."""
    results = []
    for seq, ok in enumerate(outcomes):
        result = InteractionResult("c", seq, "s3", "GetObject")
        if not ok:
            result.differences.append(Difference(Severity.CRITICAL, "status", "status", "200"))
        results.append(result)
    return TargetRun(Target(name, "http://127.0.0.1:1"), results)


def doc_of(label: str, outcomes: list[bool]) -> Document:
    return build_document([run_of("emu", outcomes)], label=label, cassettes=["c"])


def history_of(directory: Path, *labelled: tuple[str, list[bool]]) -> Path:
    """A `--history` directory holding one result per (label, outcomes), oldest first."""
    stored = len(list(directory.glob("*/*.json")))
    for n, (label, outcomes) in enumerate(labelled, start=stored):
        doc = doc_of(label, outcomes)
        doc["generated_at"] = f"2026-01-01T00:00:{n:02d}+00:00"  # the order labels are sorted by
        hist.store(doc, directory, label)
    return directory


def cassette_of(path: Path, operations: int = 1) -> Path:
    """A small S3 cassette of ListBuckets calls (no server needed to write it)."""
    header = CassetteHeader("0.1.0", "2026-01-01T00:00:00Z", "test")
    with CassetteWriter(path, header) as writer:
        for seq in range(operations):
            body = b"<ListAllMyBucketsResult><Buckets/></ListAllMyBucketsResult>"
            response = Response(200, [("Content-Type", "application/xml")], body)
            writer.append(Interaction(seq, "s3", "ListBuckets", Request("GET", "/"), response))
    return path
