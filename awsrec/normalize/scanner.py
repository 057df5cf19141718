"""The secret scanner: a last check, failing closed, that no known secret reaches disk."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable
from urllib.parse import quote, unquote

from awsrec.errors import SecretLeakError

MIN_SECRET_LEN = 8  # shorter values (e.g. the dummy key "testing") would match ordinary text

# SigV4 Authorization header and presigned-URL query parameters.
# https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
_AUTH_CREDENTIAL_RE = re.compile(r"Credential=([^/,\s]+)/")
_AUTH_SIGNATURE_RE = re.compile(r"Signature=([0-9a-fA-F]+)")
# SigV2 (legacy S3): "AWS AKID:signature".
_AUTH_V2_RE = re.compile(r"^AWS ([^:\s]+):(\S+)$")


def _variants(value: str) -> set[bytes]:
    """The forms a value may take in a recorded body or header: raw, URL- and base64-encoded."""
    raw = value.encode("utf-8")
    forms = {raw}
    for safe in ("", "/", "/=", "-_.~"):
        forms.add(quote(value, safe=safe).encode("ascii"))
    forms |= _base64_cores(raw)
    return {f for f in forms if len(f) >= MIN_SECRET_LEN}


def _base64_cores(raw: bytes) -> set[bytes]:
    """Base64 of `raw` at each of the 3 alignments it can have inside a longer encoded blob.

    Only the characters that depend on `raw` alone are kept, so the value is found whatever
    bytes surround it (e.g. inside a base64 Lambda log tail or a zip).
    """
    cores: set[bytes] = set()
    n = len(raw)
    for pad in range(3):
        encoded = base64.b64encode(b"\0" * pad + raw + b"\0\0")
        start = -(-pad * 8 // 6)  # first character made only of `raw` bits
        end = (pad + n) * 8 // 6  # first character that has a bit from the tail
        core = encoded[start:end]
        cores.add(core)
        cores.add(core.translate(bytes.maketrans(b"+/", b"-_")))  # URL-safe alphabet
    return cores


def _percent_pattern(form: bytes) -> bytes:
    """A regex for a percent-encoded form that accepts either case of its hex digits."""
    parts = re.split(rb"(%[0-9A-F]{2})", form)
    return b"".join(
        b"%(?i:" + p[1:] + b")" if p.startswith(b"%") and len(p) == 3 else re.escape(p)
        for p in parts
    )


def _anchor(form: bytes) -> bytes:
    """The longest piece of a percent-encoded form that has no escape in it."""
    return max(re.split(rb"%[0-9A-F]{2}", form), key=len)


class SecretScanner:
    """Knows the secret values of a recording session and refuses bytes that contain one.

    Plain forms are found with `bytes in` (C-speed substring search); a percent-encoded form,
    whose hex digits may come in either case, with a regex run only where its longest literal
    piece occurs.
    """

    def __init__(self) -> None:
        self._needles: dict[bytes, str] = {}
        self._ordered: list[tuple[bytes, str]] = []
        # (literal anchor, case-tolerant pattern, field) for each percent-encoded form.
        self._percent: list[tuple[bytes, re.Pattern[bytes], str]] = []

    def register(self, value: str, field: str) -> None:
        """Remember a secret (access key id, secret key, session token, signature ...)."""
        value = value.strip()
        if len(value) < MIN_SECRET_LEN or value.startswith("<"):
            return
        for form in _variants(value):
            self._needles.setdefault(form, field)
        plain = [(f, fld) for f, fld in self._needles.items() if b"%" not in f]
        # Longest first: a hit is reported under the most specific form.
        self._ordered = sorted(plain, key=lambda kv: -len(kv[0]))
        self._percent = [
            (_anchor(f), re.compile(_percent_pattern(f)), fld)
            for f, fld in self._needles.items()
            if b"%" in f
        ]

    def register_many(self, values: Iterable[tuple[str, str]]) -> None:
        """Register several `(value, field)` pairs."""
        for value, field in values:
            self.register(value, field)

    def register_request(
        self, headers: Iterable[tuple[str, str]], query: Iterable[tuple[str, str]]
    ) -> None:
        """Register the SigV4/SigV2 signature, access key id and session token on the wire."""
        for name, value in headers:
            lname = name.lower()
            if lname == "authorization":
                self._register_authorization(value)
            elif lname in ("x-amz-security-token", "x-amz-s3session-token"):
                self.register(value, "session token")
        for name, raw in query:
            self._register_query(name, raw)
            if unquote(raw) != raw:  # the caller may hand the pairs still percent-encoded
                self._register_query(name, unquote(raw))

    def _register_query(self, name: str, value: str) -> None:
        lname = name.lower()
        if lname == "x-amz-credential":
            self.register(value.split("/", 1)[0], "access key id")
        elif lname in ("x-amz-signature", "signature"):
            self.register(value, "signature")
        elif lname == "x-amz-security-token":
            self.register(value, "session token")
        elif lname == "awsaccesskeyid":
            self.register(value, "access key id")

    def _register_authorization(self, value: str) -> None:
        if m := _AUTH_V2_RE.match(value.strip()):
            self.register(m.group(1), "access key id")
            self.register(m.group(2), "signature")
            return
        if m := _AUTH_CREDENTIAL_RE.search(value):
            self.register(m.group(1), "access key id")
        if m := _AUTH_SIGNATURE_RE.search(value):
            self.register(m.group(1), "signature")

    def __len__(self) -> int:
        return len(self._needles)

    def check(self, data: bytes) -> None:
        """Raise SecretLeakError if `data` holds a registered secret in any of its forms."""
        for needle, field in self._ordered:
            if needle in data:
                raise _leak(field)
        if self._percent and b"%" in data:
            for anchor, pattern, field in self._percent:
                # The regex runs only where its longest literal piece occurs at all.
                if anchor in data and pattern.search(data):
                    raise _leak(field)


def _leak(field: str) -> SecretLeakError:
    return SecretLeakError(f"secret {field} would be written to the cassette; write aborted")
