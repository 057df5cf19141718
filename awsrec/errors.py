"""awsrec's own failures: one base class the CLI catches and prints as one line.

AWS errors that awsrec *serves* are data (`awsrec.aws.errors.AwsError`), not these.
"""


class AwsrecError(Exception):
    """Base of every failure awsrec reports to its user (exit code 3)."""

    exit_code = 3


class UsageError(AwsrecError):
    """The user asked for something malformed (exit code 2)."""

    exit_code = 2


class CassetteFormatError(AwsrecError):
    """A cassette file is corrupt, truncated beyond repair or of an unknown format version."""


class NoRecordingError(AwsrecError):
    """No recorded interaction matches what was asked for."""


class SecretLeakError(AwsrecError):
    """A known secret value would have been written to disk; the write was aborted."""


class RulesError(AwsrecError):
    """A normalisation rules file or fault rules file is invalid."""
