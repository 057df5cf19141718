"""The Lambda state model for `awsrec serve`: control plane, local runtime, API Gateway front."""

from __future__ import annotations

from replayer.state.lambda_.model import LambdaModel

__all__ = ["LambdaModel"]
