"""awsrec: record real AWS exchanges, replay them statefully offline, diff emulators."""

__version__ = "0.1.0"
