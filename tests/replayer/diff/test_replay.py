"""Replaying moto-recorded cassettes against moto itself: W0, isolation, re-binding, cleanup."""

from __future__ import annotations

from pathlib import Path

from replayer.diff.model import DiffSettings, Severity, Target
from replayer.diff.runner import load_sources, run_diff
from tests.replayer.diff.scenario import boto


def test_moto_replayed_against_moto_has_no_critical_difference(cassettes: Path, moto: str) -> None:
    sources = load_sources([cassettes])
    [run] = run_diff(sources, DiffSettings(targets=(Target("moto", moto),)))
    assert not run.warnings
    assert len(run.results) == sum(len(s.cassette.interactions) for s in sources) == 22
    critical = [(r.key, d) for r in run.results for d in r.differences
                if d.severity is Severity.CRITICAL]  # fmt: skip
    assert critical == []
    # W0 was seeded (fixture bucket/object and table/item), upload ids and continuation
    # tokens were re-bound: every interaction passes.
    assert [r.key for r in run.results if not r.passed] == []


def test_run_cleans_up_every_isolated_resource(cassettes: Path, moto: str) -> None:
    run_diff(load_sources([cassettes]), DiffSettings(targets=(Target("moto", moto),), jobs=2))
    assert boto("s3", moto).list_buckets()["Buckets"] == []  # type: ignore[attr-defined]
    assert boto("dynamodb", moto).list_tables()["TableNames"] == []  # type: ignore[attr-defined]


def test_only_limits_comparison_but_replays_everything(cassettes: Path, moto: str) -> None:
    settings = DiffSettings(targets=(Target("moto", moto),), only=("s3/UploadPart", "dynamodb"))
    [run] = run_diff(load_sources([cassettes]), settings)
    keys = {r.key for r in run.results}
    assert keys == {"s3/UploadPart", "dynamodb/DescribeTable", "dynamodb/GetItem",
                    "dynamodb/CreateTable", "dynamodb/PutItem", "dynamodb/Query"}  # fmt: skip
    # UploadPart only passes when CreateMultipartUpload ran before it and its UploadId was re-bound.
    assert all(r.passed for r in run.results)


def test_calibrate_replays_twice_and_reports_no_noise_for_moto(cassettes: Path, moto: str) -> None:
    settings = DiffSettings(targets=(Target("moto", moto),), calibrate=True)
    [run] = run_diff(load_sources([cassettes]), settings)
    assert all(r.passed for r in run.results)
    assert [d for r in run.results for d in r.noise] == []


def test_unreachable_target_is_an_error_per_interaction(cassettes: Path) -> None:
    from tests.support.servers import free_port

    target = Target("down", f"http://127.0.0.1:{free_port()}")
    [run] = run_diff(load_sources([cassettes / "s3.awsrec"]), DiffSettings(targets=(target,)))
    assert run.results
    assert all(r.error and not r.passed for r in run.results)
    # Found once, before seeding: no boto3 retries against a target that is down.
    [warning] = run.warnings
    assert warning == f"s3: down ({target.url}) is unreachable: [Errno 111] Connection refused; " \
        "nothing seeded"  # fmt: skip
