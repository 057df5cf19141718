"""The recorder's own failures (subclasses of awsrec's base error)."""

from __future__ import annotations

from awsrec.errors import AwsrecError


class RecorderError(AwsrecError):
    """The recorder could not start, run or stop as asked."""

    def __init__(self, message: str, *, usage: bool = False) -> None:
        super().__init__(message)
        # A malformed option is a usage error (exit 2); anything else an awsrec error (exit 3).
        self.exit_code = 2 if usage else 3
