"""DynamoDB's expression language: a lark grammar, a parser, an evaluator and an update applier."""

from replayer.state.dynamodb.expressions.evaluator import (
    Context,
    bind,
    check_placeholders,
    evaluate,
    get_path,
)
from replayer.state.dynamodb.expressions.parser import parse
from replayer.state.dynamodb.expressions.paths import check_overlap, project
from replayer.state.dynamodb.expressions.update import apply_update, check_update

__all__ = [
    "Context",
    "apply_update",
    "bind",
    "check_overlap",
    "check_placeholders",
    "check_update",
    "evaluate",
    "get_path",
    "parse",
    "project",
]
