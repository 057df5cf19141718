"""Normalising twice equals normalising once, on cassettes the real recorder wrote.

The diff engine normalises the recorded side again (with the same rules as the target's side),
which is only sound if a stored, already normalised interaction comes back unchanged.
"""

from __future__ import annotations

import re
from pathlib import Path

from awsrec.cassette import Interaction, load_cassette
from awsrec.normalize import Normaliser

# What each built-in rule kind ("where") leaves in a stored interaction, found in these
# cassettes; checked so the idempotence below is tested on every kind, not vacuously.
KIND_EVIDENCE = {
    "header": ("response header", re.compile(r"^<request-id:\d+>$")),
    "query": ("request query", re.compile(r"^<(upload-id|continuation-token):\d+>$")),
    "path-regex": ("request path", re.compile(r"arn%3Aaws%3Alambda%3A[\w-]+%3A000000000000%3A")),
    "xml-path": ("response body", re.compile(r"<LastModified>&lt;timestamp:iso8601-ms&gt;<")),
    "json-path": ("response body", re.compile(r'"CreationDateTime": "<timestamp:epoch-frac>"')),
    "body-regex": ("response body", re.compile(r"arn:aws:lambda:[\w-]+:000000000000:function:")),
}


def _places(i: Interaction) -> dict[str, list[str]]:
    return {
        "response header": [v for _, v in i.response.headers],
        "request query": [v for _, v in i.request.query],
        "request path": [i.request.path],
        "response body": [i.response.body.decode("utf-8", "replace")],
    }


def _interactions(*paths: Path) -> list[Interaction]:
    return [i for p in paths for i in load_cassette(p).interactions]


def test_every_builtin_rule_kind_is_idempotent(recorded: Path, e2e_cassette: Path) -> None:
    stored = _interactions(recorded / "s3.awsrec", recorded / "dynamodb.awsrec", e2e_cassette)
    for kind, (place, pattern) in KIND_EVIDENCE.items():
        assert any(pattern.search(v) for i in stored for v in _places(i)[place]), kind

    normaliser = Normaliser()
    for i in stored:
        again = normaliser.normalise(i)
        assert again.request == i.request, (i.seq, i.operation)
        assert again.response == i.response, (i.seq, i.operation)
        # What the diff engine calls on both sides.
        assert normaliser.normalise_response(i.service, i.operation, i.response) == i.response
