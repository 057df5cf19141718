"""The recording's placeholder account in requests, mapped to the target's own account id.

Normalisation turns the recording's account into 000000000000 (`<account>`) wherever it sits
in an ARN, so a recorded CreateFunction names `arn:aws:iam::000000000000:role/...`. A target
that checks ARNs against its own account (moto refuses a role of another account, as AWS
does: https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html) needs its
account there. The target's answers are normalised back to 000000000000 before comparing.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from botocore.exceptions import BotoCoreError, ClientError

from awsrec.cassette import Interaction, Request
from awsrec.errors import RulesError
from awsrec.normalize import builtin_rules
from replayer.diff.model import Target
from replayer.diff.seed import client

# The first account a cassette saw (the caller's own, in every single-account recording).
# Others (000000000001, ...) belong to someone else and are left alone.
PLACEHOLDER_ACCOUNT = "000000000000"
# arn:partition:service:region:ACCOUNT: with ':' possibly percent-encoded (paths, query).
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
_ARN = r"(?i:(arn(?::|%3A)aws[\w-]*(?::|%3A)[\w-]+(?::|%3A)[\w-]*(?::|%3A)))000000000000(?=:|%3A)"
_ARN_TEXT = re.compile(_ARN)
_ARN_BYTES = re.compile(_ARN.encode())


@functools.cache
def _opaque_requests(service: str) -> frozenset[str]:
    # The user's payload (object data, a Lambda event) is sent exactly as recorded.
    try:
        return builtin_rules(service).opaque_requests
    except RulesError:  # a service without built-in rules has no opaque bodies
        return frozenset()


def _mentions(interaction: Interaction) -> bool:
    req = interaction.request
    texts = [req.path, *(v for _, v in req.query), *(v for _, v in req.headers)]
    if any(t == PLACEHOLDER_ACCOUNT or _ARN_TEXT.search(t) for t in texts):
        return True
    opaque = interaction.operation in _opaque_requests(interaction.service)
    return not opaque and _ARN_BYTES.search(req.body) is not None


def needs_account(interactions: Iterable[Interaction]) -> bool:
    """Whether any recorded request carries the placeholder account."""
    return any(_mentions(i) for i in interactions)


def target_account(target: Target, region: str, warnings: list[str]) -> str | None:
    """The target's account id, from STS GetCallerIdentity with the target's credentials.

    https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
    """
    try:
        found = client(target, "sts", region).get_caller_identity().get("Account")
    except (ClientError, BotoCoreError) as e:
        warnings.append(f"target account unknown (sts GetCallerIdentity: {e}); "
                        f"ARNs keep the recorded account {PLACEHOLDER_ACCOUNT}")  # fmt: skip
        return None
    return found if isinstance(found, str) and found.isdigit() else None


class AccountMap:
    """Rewrites the placeholder account of recorded requests to the target's account."""

    def __init__(self, account: str) -> None:
        self.account = account
        self._text = rf"\g<1>{account}"
        self._bytes = self._text.encode()

    def _value(self, value: str) -> str:
        if value == PLACEHOLDER_ACCOUNT:
            return self.account  # a bare account id: x-amz-expected-bucket-owner and the like
        return _ARN_TEXT.sub(self._text, value) if "000000000000" in value else value

    def request(self, interaction: Interaction, request: Request) -> Request:
        """`request` (of `interaction`) with the placeholder account replaced."""
        body = request.body
        if interaction.operation not in _opaque_requests(interaction.service):
            body = _ARN_BYTES.sub(self._bytes, body) if b"000000000000" in body else body
        return Request(
            request.method,
            self._value(request.path),
            [(k, self._value(v)) for k, v in request.query],
            [(k, self._value(v)) for k, v in request.headers],
            body,
        )
