"""sts:GetCallerIdentity, answered with the configured account (SDKs ask it first)."""

from __future__ import annotations

import hashlib

from replayer.state.base import ServeResponse

_NS = "https://sts.amazonaws.com/doc/2011-06-15/"


def user_id(account: str) -> str:
    """A stable IAM-user-shaped unique id ("AIDA" + 17 upper alphanumerics) for `account`."""
    digest = hashlib.sha256(account.encode()).digest()
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    return "AIDA" + "".join(alphabet[b & 31] for b in digest[:17])


def get_caller_identity(account: str, request_id: str) -> ServeResponse:
    """The response of https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html."""
    body = (
        f'<GetCallerIdentityResponse xmlns="{_NS}">\n'
        "  <GetCallerIdentityResult>\n"
        f"    <Arn>arn:aws:iam::{account}:user/awsrec</Arn>\n"
        f"    <UserId>{user_id(account)}</UserId>\n"
        f"    <Account>{account}</Account>\n"
        "  </GetCallerIdentityResult>\n"
        "  <ResponseMetadata>\n"
        f"    <RequestId>{request_id}</RequestId>\n"
        "  </ResponseMetadata>\n"
        "</GetCallerIdentityResponse>\n"
    ).encode()
    headers = [("x-amzn-RequestId", request_id), ("Content-Type", "text/xml")]
    return ServeResponse(200, headers, body)
