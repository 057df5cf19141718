"""Mitmproxy addon and launcher for `awsrec record`."""
