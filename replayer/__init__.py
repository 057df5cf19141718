"""Replay side: the serve ASGI app, service state models and the diff engine."""
