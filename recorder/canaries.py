"""Secrets known before any traffic: registered as canaries the scanner must never let through."""

from __future__ import annotations

from awsrec.normalize import SecretScanner
from recorder.credentials import CredentialSource


def register_known(
    scanner: SecretScanner, credentials: CredentialSource, extra: dict[str, str]
) -> None:
    """Register the signing credentials and any extra named values with `scanner`.

    The SDK's own access key id, signatures and session token are registered per request from
    the wire (`SecretScanner.register_request`); its secret key never travels, but the child
    usually shares our environment, so the chain's secret key is the SDK's one too (with
    --upstream-credentials, both sets are registered).
    """
    chain = CredentialSource(None).peek() if credentials.explicit is not None else None
    for found in (credentials.peek(), chain):
        if found is None:
            continue
        scanner.register(found.access_key, "AccessKeyId")
        scanner.register(found.secret_key, "SecretAccessKey")
        if found.session_token:
            scanner.register(found.session_token, "SessionToken")
    for field, value in extra.items():
        scanner.register(value, field)
