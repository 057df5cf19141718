"""World W0 planned from a recording and created on the target before replay."""

from __future__ import annotations

from pathlib import Path

from replayer.diff.model import DiffSettings, Target
from replayer.diff.runner import load_sources, run_diff
from replayer.diff.world import plan_world
from tests.replayer.diff.scenario import _to_cassette, boto, record
from tests.support.servers import reset_moto

AWKWARD = "dir/a b+c é.txt"  # space, plus and non-ASCII: all form-encoded in a url listing


def _list_then_get(url: str) -> None:
    s3 = _to_cassette("s3", url, "listing")
    # boto3 asks for EncodingType=url and decodes the keys itself.
    listed = s3.list_objects_v2(Bucket="listed-bkt")
    assert [o["Key"] for o in listed["Contents"]] == [AWKWARD]
    s3.get_object(Bucket="listed-bkt", Key=AWKWARD)


def test_url_encoded_listing_seeds_the_object_under_its_real_key(moto: str, tmp_path: Path) -> None:
    s3 = boto("s3", moto)
    s3.create_bucket(Bucket="listed-bkt")
    s3.put_object(Bucket="listed-bkt", Key=AWKWARD, Body=b"awkward")
    out = record(moto, tmp_path / "cassettes", _list_then_get)
    [source] = load_sources([out / "listing.awsrec"])
    assert b"<EncodingType>url</EncodingType>" in source.cassette.interactions[0].response.body

    plan = plan_world(source.cassette.interactions)
    assert list(plan.objects) == [("listed-bkt", AWKWARD)]
    assert plan.objects[("listed-bkt", AWKWARD)].body == b"awkward"  # from GetObject: exact

    reset_moto(moto)
    [run] = run_diff([source], DiffSettings(targets=(Target("moto", moto),)))
    assert run.warnings == []
    assert [(r.operation, r.passed) for r in run.results] == [
        ("ListObjectsV2", True), ("GetObject", True)]  # fmt: skip
