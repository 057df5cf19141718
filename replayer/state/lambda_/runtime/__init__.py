"""The local Python runtime: warm awslambdaric subprocesses served by our own Runtime API."""
