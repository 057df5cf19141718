"""PartiQL for DynamoDB: a lark grammar, statement trees and the handlers that run them."""

from replayer.state.dynamodb.partiql.handlers import PartiQLOps

__all__ = ["PartiQLOps"]
