"""The scenario set: counts, coverage of the issue's list, selection, seeded determinism."""

from __future__ import annotations

from collections import Counter

import pytest

from awsrec.errors import UsageError
from scenarios.context import Ctx, token
from scenarios.registry import all_scenarios, parse_selection, select
from scenarios.runner import Clients, Target


def test_minimum_counts_per_service() -> None:
    counts = Counter(s.service for s in all_scenarios())
    assert counts["s3"] >= 60
    assert counts["dynamodb"] >= 40
    assert counts["lambda"] >= 20


def test_ids_are_unique_and_named_by_service_and_feature() -> None:
    found = all_scenarios()
    assert len({s.id for s in found}) == len(found)
    for s in found:
        service, feature, _ = s.id.split("/")
        assert (service, feature) == (s.service, s.feature)
        assert s.summary
        assert s.summary != s.id


@pytest.mark.parametrize(
    ("service", "tag"),
    [
        ("s3", "ranges"), ("s3", "conditional"), ("s3", "listing"), ("s3", "multipart"),
        ("s3", "checksums"), ("s3", "copy"), ("s3", "errors"), ("dynamodb", "conditions"),
        ("dynamodb", "updates"), ("dynamodb", "validation"), ("dynamodb", "gsi"),
        ("dynamodb", "lsi"), ("dynamodb", "batch"), ("dynamodb", "transactions"),
        ("dynamodb", "numbers"), ("lambda", "functions"), ("lambda", "invoke"),
    ],
)  # fmt: skip
def test_issue_features_are_covered(service: str, tag: str) -> None:
    assert select(f"{service}:{tag}")


def test_selection_by_service_tag_and_skip() -> None:
    ranges = select("s3:ranges")
    assert ranges
    assert all(s.service == "s3" and s.has("ranges") for s in ranges)
    both = select("s3:ranges,lambda")
    assert {s.service for s in both} == {"s3", "lambda"}
    no_multipart = select("s3", skip=["multipart", "checksums"])
    assert no_multipart
    assert not any(s.has("multipart") or s.has("checksums") for s in no_multipart)
    assert len(select("all")) == len(all_scenarios())
    assert select(service="dynamodb", tag="gsi") == select("dynamodb:gsi")


@pytest.mark.parametrize("text", ["", "ec2", "s3,nope:x"])
def test_bad_selection_is_a_usage_error(text: str) -> None:
    with pytest.raises(UsageError):
        parse_selection(text)


def test_names_and_parameters_depend_only_on_seed_and_id() -> None:
    first = all_scenarios()[0]
    clients = Clients(Target("http://127.0.0.1:9"))
    a, b, c = (Ctx(first, seed, clients) for seed in (8, 8, 9))
    assert a.name() == b.name() == f"awsrec-{token(8, first.id)}"
    assert a.name() != c.name()
    assert [a.rng.random() for _ in range(3)] == [b.rng.random() for _ in range(3)]
    assert all(len(Ctx(s, 8, clients).name("missing")) <= 63 for s in all_scenarios())
