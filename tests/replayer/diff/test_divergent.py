"""A divergent target: each planted divergence is found with the severity ARCHITECTURE.md gives."""

from __future__ import annotations

from pathlib import Path

from replayer.diff.model import Difference, DiffSettings, Severity, Target, TargetRun
from replayer.diff.runner import load_sources, run_diff
from tests.replayer.diff.divergent import diverge
from tests.replayer.diff.proxies import proxy


def _found(run: TargetRun, seq_op: tuple[str, int, str]) -> list[Difference]:
    cassette, seq, operation = seq_op
    [result] = [r for r in run.results if (r.cassette, r.seq) == (cassette, seq)]
    assert result.operation == operation
    return result.differences


def test_each_divergence_found_with_its_severity(cassettes: Path, moto: str) -> None:
    with proxy(moto, diverge) as (url, _):
        [run] = run_diff(load_sources([cassettes]), DiffSettings(targets=(Target("div", url),)))

    code = _found(run, ("s3", 9, "GetObject"))
    found = [(d.severity, d.kind, d.expected, d.actual) for d in code if d.severity > Severity.INFO]
    assert found == [(Severity.CRITICAL, "error-code", "NoSuchKey", "NoSuchEntity")]

    etag = _found(run, ("s3", 3, "PutObject"))
    assert (Severity.MAJOR, "header-missing", "header:etag") in [
        (d.severity, d.kind, d.where.lower()) for d in etag]  # fmt: skip

    listing = _found(run, ("s3", 7, "ListObjectsV2"))
    assert [(d.severity, d.kind, d.where, d.expected, d.actual) for d in listing
            if d.severity > Severity.INFO] == [
        (Severity.MAJOR, "body-value", "body:ListBucketResult.KeyCount", "1", "7")]  # fmt: skip

    delete = _found(run, ("s3", 14, "DeleteObject"))
    assert (Severity.MAJOR, "status", "204", "200") in [
        (d.severity, d.kind, d.expected, d.actual) for d in delete]  # fmt: skip

    head = _found(run, ("s3", 6, "HeadObject"))
    assert [(d.severity, d.kind, d.where.lower()) for d in head if d.severity > Severity.INFO] == [
        (Severity.MINOR, "header-format", "header:last-modified")]  # fmt: skip

    error_as_200 = _found(run, ("dynamodb", 8, "GetItem"))
    assert [(d.severity, d.kind, d.expected, d.actual) for d in error_as_200] == [
        (Severity.CRITICAL, "outcome", "400 ResourceNotFoundException", "200")]  # fmt: skip

    extra = _found(run, ("s3", 5, "GetObject"))
    assert [(d.severity, d.kind, d.where) for d in extra] == [
        (Severity.INFO, "header-extra", "header:x-emulator")]  # fmt: skip

    failing = sorted((r.cassette, r.seq) for r in run.results if not r.passed)
    assert failing == [("dynamodb", 8), ("s3", 3), ("s3", 4), ("s3", 7), ("s3", 8), ("s3", 9),
                       ("s3", 14)]  # fmt: skip


def test_ignore_silences_a_header_and_a_body_path(cassettes: Path, moto: str) -> None:
    settings_ignore = ("header:ETag", "ListBucketResult/KeyCount", "header:x-emulator")
    with proxy(moto, diverge) as (url, _):
        settings = DiffSettings(targets=(Target("div", url),), ignore=settings_ignore)
        [run] = run_diff(load_sources([cassettes / "s3.awsrec"]), settings)
    wheres = {d.where.lower() for r in run.results for d in r.differences}
    assert not wheres & {"header:etag", "body:listbucketresult.keycount", "header:x-emulator"}
    assert sorted(r.seq for r in run.results if not r.passed) == [9, 14]
