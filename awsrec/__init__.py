"""awsrec: record real AWS exchanges, replay them statefully offline, diff emulators against them."""

__version__ = "0.1.0"
