"""Secrets never to write: lasting credentials, and each exchange's own signatures."""

from __future__ import annotations

from collections.abc import Iterable

from awsrec.aws import sigv4
from awsrec.normalize import SecretScanner
from recorder.credentials import CredentialSource

Pairs = list[tuple[str, str]]


class Canaries:
    """Lasting secrets (keys, tokens) in one scanner; each exchange's signatures in its own.

    A signature only signs its own request, so it is checked against that exchange's record.
    Keeping every signature ever seen in one scanner would make each write scan thousands of
    needles (and each registration re-sort them): quadratic over a long recording.
    """

    def __init__(self) -> None:
        self.lasting = SecretScanner()
        self._seen: set[str] = set()

    def register(self, value: str, field: str) -> None:
        if value and value not in self._seen:
            self._seen.add(value)
            self.lasting.register(value, field)

    def register_known(self, credentials: CredentialSource, extra: dict[str, str]) -> None:
        """Register the signing credentials and any extra named values.

        The SDK's secret key never travels, but the child shares our environment, so the
        chain's secret key is the SDK's too (with --upstream-credentials both are registered).
        """
        chain = CredentialSource(None).peek() if credentials.explicit is not None else None
        for found in (credentials.peek(), chain):
            if found is None:
                continue
            self.register(found.access_key, "AccessKeyId")
            self.register(found.secret_key, "SecretAccessKey")
            if found.session_token:
                self.register(found.session_token, "SessionToken")
        for field, value in extra.items():
            self.register(value, field)

    def exchange(self, headers: Pairs, query: Pairs) -> SecretScanner:
        """A scanner for one exchange, holding the SigV4 material of the SDK's request."""
        scanner = SecretScanner()
        self.add(scanner, headers, query)
        return scanner

    def add(self, scanner: SecretScanner, headers: Pairs, query: Pairs) -> None:
        """Register a request's signing material: signatures per exchange, keys as lasting."""
        scanner.register_request(headers, query)
        info = sigv4.parse_sigv4(headers, query)
        if info is not None:
            self.register(info.access_key, "AccessKeyId")
        for token in _tokens(headers, query):
            self.register(token, "SessionToken")

    def check(self, data: bytes, exchange: SecretScanner | None) -> None:
        """Raise SecretLeakError if `data` holds a lasting secret or this exchange's."""
        self.lasting.check(data)
        if exchange is not None:
            exchange.check(data)


def _tokens(headers: Iterable[tuple[str, str]], query: Iterable[tuple[str, str]]) -> list[str]:
    found = [v for k, v in headers if k.lower() == "x-amz-security-token"]
    return found + [v for k, v in query if k == "X-Amz-Security-Token"]
