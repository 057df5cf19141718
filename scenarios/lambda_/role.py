"""The IAM role Lambda scenarios create functions with (made once per run, outside cassettes)."""

from __future__ import annotations

import json

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from awsrec.errors import AwsrecError

ROLE_NAME = "awsrec-scenarios-lambda"
# https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html
TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}


def _iam(endpoint: str | None) -> object:
    return boto3.client("iam", endpoint_url=endpoint, config=Config(retries={"max_attempts": 3}))


def ensure_role(endpoint: str | None) -> str:
    """The role's ARN, creating it on `endpoint`'s IAM (None: real AWS) when it is absent.

    Talks to IAM directly, not through a recorder: IAM is no service awsrec records, and the
    role is set-up, not part of any scenario. `delete_role` removes it after the run.
    """
    iam = _iam(endpoint)
    try:
        try:
            found = iam.get_role(RoleName=ROLE_NAME)  # type: ignore[attr-defined]
        except ClientError as e:
            if e.response.get("Error", {}).get("Code") != "NoSuchEntity":
                raise
            found = iam.create_role(  # type: ignore[attr-defined]
                RoleName=ROLE_NAME,
                AssumeRolePolicyDocument=json.dumps(TRUST),
                Description="Execution role for awsrec's built-in Lambda scenarios",
            )
    except (ClientError, BotoCoreError) as e:
        raise AwsrecError(f"cannot create IAM role {ROLE_NAME} for Lambda scenarios: {e}") from e
    return str(found["Role"]["Arn"])


def delete_role(endpoint: str | None) -> None:
    """Remove the role `ensure_role` made (absent already is fine)."""
    iam = _iam(endpoint)
    try:
        iam.delete_role(RoleName=ROLE_NAME)  # type: ignore[attr-defined]
    except ClientError as e:
        if e.response.get("Error", {}).get("Code") != "NoSuchEntity":
            raise AwsrecError(f"cannot delete IAM role {ROLE_NAME}: {e}") from e
