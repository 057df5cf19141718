"""What an endpoint still holds after scenarios ran: the clean-up guarantee, checked."""

from __future__ import annotations

import boto3
from botocore.config import Config


def leftovers(endpoint: str | None, region: str = "us-east-1") -> dict[str, list[str]]:
    """Buckets, tables and functions at `endpoint` whose names scenarios use (awsrec-...)."""
    config = Config(retries={"max_attempts": 1}, s3={"addressing_style": "path"})

    def client(service: str) -> object:
        return boto3.client(service, endpoint_url=endpoint, region_name=region, config=config)

    s3, ddb, lam = client("s3"), client("dynamodb"), client("lambda")
    found = {
        "buckets": [b["Name"] for b in s3.list_buckets().get("Buckets", [])],  # type: ignore[attr-defined]
        "tables": list(ddb.list_tables().get("TableNames", [])),  # type: ignore[attr-defined]
        "functions": [
            f["FunctionName"]
            for f in lam.list_functions().get("Functions", [])  # type: ignore[attr-defined]
        ],
    }
    kept = {kind: [n for n in names if n.startswith("awsrec-")] for kind, names in found.items()}
    return {kind: names for kind, names in kept.items() if names}
