from __future__ import annotations

import urllib.request

import awsrec
from tests.replayer.conftest import ServeFactory, admin, sts_client


def test_health_says_ok_with_version_and_services(served: str) -> None:
    status, doc = admin(served, "health")
    assert status == 200
    assert doc["status"] == "ok"
    assert doc["version"] == awsrec.__version__
    assert isinstance(doc["services"], dict)
    assert "s3" in doc["services"]


def test_reset_state_journal_unmatched_answer(served: str) -> None:
    assert admin(served, "reset", "POST") == (200, {"status": "reset"})
    status, state = admin(served, "state")
    assert status == 200
    assert isinstance(state, dict)
    assert admin(served, "journal") == (200, [])
    assert admin(served, "unmatched") == (200, [])


def test_unknown_admin_route_is_404_listing_routes(served: str) -> None:
    status, doc = admin(served, "nope")
    assert status == 404
    assert "GET /_awsrec/health" in doc["routes"]


def test_journal_lists_served_requests(served: str) -> None:
    sts_client(served).get_caller_identity()
    status, journal = admin(served, "journal")
    assert status == 200
    assert [(e["service"], e["operation"], e["status"], e["source"]) for e in journal] == [
        ("sts", "GetCallerIdentity", 200, "model")
    ]
    assert journal[0]["seq"] >= 1
    assert journal[0]["ms"] >= 0


def test_admin_token_is_required_when_set(serve_factory: ServeFactory) -> None:
    server = serve_factory(admin_token="s3cret")
    assert admin(server.url, "health")[0] == 403
    assert admin(server.url, "health", headers={"x-awsrec-admin-token": "wrong"})[0] == 403
    status, doc = admin(server.url, "health", headers={"x-awsrec-admin-token": "s3cret"})
    assert (status, doc["status"]) == (200, "ok")


def test_admin_content_type_is_json(served: str) -> None:
    with urllib.request.urlopen(f"{served}/_awsrec/health", timeout=5) as resp:
        assert resp.headers["Content-Type"] == "application/json"
