"""GET/POST/DELETE /_awsrec/faults: list, add and clear rules at runtime; the journal."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.replayer.conftest import ServeFactory, admin
from tests.replayer.faults.conftest import Faulty, boto, injected


def post(url: str, body: str, content_type: str = "application/yaml") -> tuple[int, Any]:
    req = urllib.request.Request(
        f"{url}/_awsrec/faults",
        data=body.encode(),
        method="POST",
        headers={"Content-Type": content_type},
    )
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def test_add_list_and_clear_rules_at_runtime(serve_factory: ServeFactory) -> None:
    server = serve_factory()
    s3 = boto("s3", server.url)
    status, empty = admin(server.url, "faults")
    assert (status, empty["rules"], type(empty["seed"])) == (200, [], int)
    status, added = post(
        server.url,
        "seed: 3\nrules:\n  - id: boom\n    match: {operation: ListBuckets}\n"
        "    do: {error: InternalError}\n",
    )
    assert (status, added) == (200, {"added": ["boom"], "seed": 3})
    with pytest.raises(ClientError):
        s3.list_buckets()
    status, listed = admin(server.url, "faults")
    rule = listed["rules"][0]
    assert (rule["id"], rule["matched"], rule["fired"], rule["seed"]) == ("boom", 1, 1, 3)
    assert rule["do"] == {"error": "InternalError"}
    assert admin(server.url, "faults", "DELETE") == (200, {"removed": 1})
    s3.list_buckets()
    assert injected(server.url) == [("ListBuckets", ["boom"]), ("ListBuckets", [])]


def test_post_json_gets_default_ids_after_existing_rules(faulty: Faulty) -> None:
    server = faulty("- do: {delay: 1}\n")
    rules = [{"match": {"service": "s3"}, "do": {"delay": 1}}]
    status, added = post(server.url, json.dumps(rules), "application/json")
    assert (status, added["added"]) == (200, ["rule-2"])
    status, again = post(server.url, json.dumps([{"id": "rule-2", "do": {"delay": 1}}]))
    assert status == 400
    assert again["error"] == ("POST /_awsrec/faults:1: rules[0].id: duplicate rule id 'rule-2'")


def test_post_bad_rules_is_400_with_line_and_field(serve_factory: ServeFactory) -> None:
    server = serve_factory()
    status, doc = post(server.url, "- match: {service: s3}\n  do:\n    truncate: -5\n")
    assert status == 400
    assert doc["error"] == (
        "POST /_awsrec/faults:3: rules[0].do.truncate: expected an integer of at least 0, got -5"
    )
    assert admin(server.url, "faults")[1]["rules"] == []


def test_delete_one_rule_by_id(faulty: Faulty) -> None:
    server = faulty("- {id: a, do: {delay: 1}}\n- {id: b, do: {delay: 1}}\n")
    assert admin(server.url, "faults/a", "DELETE") == (200, {"removed": 1})
    assert [r["id"] for r in admin(server.url, "faults")[1]["rules"]] == ["b"]
    status, doc = admin(server.url, "faults/a", "DELETE")
    assert (status, doc) == (404, {"error": "no fault rule 'a'"})


def test_admin_token_guards_fault_routes(serve_factory: ServeFactory) -> None:
    server = serve_factory(admin_token="sesame")
    assert admin(server.url, "faults")[0] == 403
    assert admin(server.url, "faults", headers={"x-awsrec-admin-token": "sesame"})[0] == 200
