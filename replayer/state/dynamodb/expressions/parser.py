"""Parse DynamoDB expressions with the lark grammar into a cached, statically checked tree."""

from __future__ import annotations

import functools
import json
import re
from importlib import resources
from typing import Any

from lark import Lark, Token, Transformer, UnexpectedCharacters, UnexpectedInput

from replayer.state.dynamodb.errors import DynamoError, validation
from replayer.state.dynamodb.expressions.ast import (
    Action,
    AddAction,
    And,
    Arith,
    Between,
    Compare,
    Cond,
    DeleteAction,
    Element,
    Func,
    In,
    Not,
    Operand,
    Or,
    Parsed,
    Path,
    RemoveAction,
    SetAction,
    Value,
)

_HERE = resources.files(__package__)
_LARK = Lark(
    (_HERE / "grammar.lark").read_text(),
    start=["condition", "projection", "update"],
    parser="lalr",
)
# https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ReservedWords.html
RESERVED = frozenset(json.loads((_HERE / "reserved_words.json").read_text())["words"])
CONDITION_FUNCTIONS = {
    "attribute_exists": 1,
    "attribute_not_exists": 1,
    "attribute_type": 2,
    "begins_with": 2,
    "contains": 2,
    "size": 1,
}
UPDATE_FUNCTIONS = {"if_not_exists": 2, "list_append": 2}
BOOLEAN_FUNCTIONS = frozenset(CONDITION_FUNCTIONS) - {"size"}
_TOKENS = re.compile(r"\s+|[#:]?\w+|<>|<=|>=|.", re.S)


class ConditionTransformer(Transformer[Token, Any]):
    """Condition nodes: the rules the expression and PartiQL grammars name alike."""

    def function(self, items: list[Any]) -> Func:
        name, *args = items
        return Func(str(name), tuple(args))

    def compare(self, items: list[Any]) -> Compare:
        return Compare(str(items[1]), items[0], items[2])

    def between(self, items: list[Any]) -> Between:
        return Between(items[0], items[2], items[4])

    def in_(self, items: list[Any]) -> In:
        return In(items[0], tuple(items[2:]))

    def and_(self, items: list[Any]) -> And:
        return And(items[0], items[2])

    def or_(self, items: list[Any]) -> Or:
        return Or(items[0], items[2])

    def not_(self, items: list[Any]) -> Not:
        return Not(items[1])

    def arith(self, items: list[Any]) -> Arith:
        return Arith(str(items[1]), items[0], items[2])


class _ToAst(ConditionTransformer):
    """Turns lark's tree into the frozen dataclasses of `ast`."""

    def path(self, items: list[Token]) -> Path:
        elements: list[Element] = [int(t) if t.type == "INDEX" else str(t) for t in items]
        return Path(tuple(elements))

    def value(self, items: list[Token]) -> Value:
        return Value(str(items[0]))

    def set_action(self, items: list[object]) -> SetAction:
        return SetAction(items[0], items[2])  # type: ignore[arg-type]

    def pair(self, items: list[object]) -> tuple[object, object]:
        return (items[0], Value(str(items[1])))

    def set_clause(self, items: list[object]) -> tuple[str, list[object]]:
        return ("SET", items[1:])

    def remove_clause(self, items: list[object]) -> tuple[str, list[object]]:
        return ("REMOVE", [RemoveAction(p) for p in items[1:]])  # type: ignore[arg-type]

    def add_clause(self, items: list[object]) -> tuple[str, list[object]]:
        pairs: list[tuple[Path, Value]] = items[1:]  # type: ignore[assignment]
        return ("ADD", [AddAction(p, v) for p, v in pairs])

    def delete_clause(self, items: list[object]) -> tuple[str, list[object]]:
        pairs: list[tuple[Path, Value]] = items[1:]  # type: ignore[assignment]
        return ("DELETE", [DeleteAction(p, v) for p, v in pairs])


_TO_AST = _ToAst()


def syntax_error(kind: str, text: str, e: UnexpectedInput) -> DynamoError:
    """DynamoDB's wording: the offending token and the tokens around it."""
    tokens = [m.group() for m in _TOKENS.finditer(text)]
    starts = [m.start() for m in _TOKENS.finditer(text)]
    token = getattr(e, "token", None)
    at_end = isinstance(token, Token) and token.type == "$END"
    pos = (
        -1
        if at_end
        else (
            e.pos_in_stream
            if isinstance(e, UnexpectedCharacters)
            else getattr(token, "start_pos", -1)
        )
    )
    idx = starts.index(pos) if pos in starts else len(tokens)
    bad = tokens[idx] if idx < len(tokens) else "<EOF>"

    def tok(i: int) -> str:
        return tokens[i] if 0 <= i < len(tokens) else ""

    near = ""
    if tok(idx - 1).isspace():
        near += tok(idx - 2)
    near += tok(idx - 1) + tok(idx) + tok(idx + 1)
    if tok(idx + 1).isspace():
        near += tok(idx + 2)
    return validation(f'Invalid {kind}: Syntax error; token: "{bad}", near: "{near}"')


@functools.lru_cache(maxsize=4096)
def parse(kind: str, text: str) -> Parsed:
    """Parse one expression; `kind` is the request parameter's name, used in messages."""
    if not text.strip():
        raise validation(f"Invalid {kind}: The expression can not be empty;")
    start = {"UpdateExpression": "update", "ProjectionExpression": "projection"}.get(
        kind, "condition"
    )
    try:
        tree = _LARK.parse(text, start=start)
    except UnexpectedInput as e:
        raise syntax_error(kind, text, e) from e
    node: list[Any] = _TO_AST.transform(tree).children  # type: ignore[attr-defined]
    checker = _Checker(kind)
    if start == "condition":
        cond: Cond = node[0]
        checker.cond(cond)
        return Parsed(kind, cond, frozenset(checker.names), frozenset(checker.values))
    if start == "projection":
        paths = tuple(node)
        for p in paths:
            checker.path(p)
        return Parsed(kind, paths, frozenset(checker.names), frozenset(checker.values))
    return Parsed(kind, checker.update(node), frozenset(checker.names), frozenset(checker.values))


class _Checker:
    """Static checks DynamoDB makes before evaluating: functions, reserved words, sections."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.names: set[str] = set()
        self.values: set[str] = set()

    def fail(self, detail: str) -> DynamoError:
        return validation(f"Invalid {self.kind}: {detail}")

    def path(self, p: Path) -> None:
        for e in p.elements:
            if isinstance(e, str):
                if e[0] == "#":
                    self.names.add(e)
                elif e.upper() in RESERVED:
                    raise self.fail(f"Attribute name is a reserved keyword; reserved keyword: {e}")

    def cond(self, c: Cond) -> None:
        if isinstance(c, And | Or):
            self.cond(c.left)
            self.cond(c.right)
        elif isinstance(c, Not):
            self.cond(c.cond)
        elif isinstance(c, Func):
            self.function(c, as_condition=True)
        elif isinstance(c, Compare):
            self.operands((c.left, c.right))
        elif isinstance(c, Between):
            self.operands((c.operand, c.low, c.high))
        else:
            self.operands((c.operand, *c.options))

    def operands(self, ops: tuple[Operand, ...]) -> None:
        for o in ops:
            self.operand(o)

    def operand(self, o: Operand, update: bool = False) -> None:
        if isinstance(o, Path):
            self.path(o)
        elif isinstance(o, Value):
            self.values.add(o.name)
        else:
            self.function(o, as_condition=False, update=update)

    def function(self, f: Func, as_condition: bool, update: bool = False) -> None:
        known = UPDATE_FUNCTIONS if update else CONDITION_FUNCTIONS
        if f.name not in CONDITION_FUNCTIONS and f.name not in UPDATE_FUNCTIONS:
            raise self.fail(f"Invalid function name; function: {f.name}")
        if f.name not in known:
            where = "an update" if update else "a condition"
            raise self.fail(
                f"The function is not allowed in {where} expression; function: {f.name}"
            )
        if not update and as_condition != (f.name in BOOLEAN_FUNCTIONS):
            raise self.fail(
                "The function is not allowed to be used this way in an expression; "
                f"function: {f.name}"
            )
        if len(f.args) != known[f.name]:
            raise self.fail(
                "Incorrect number of operands for operator or function; "
                f"operator or function: {f.name}, number of operands: {len(f.args)}"
            )
        needs_path = f.name not in ("begins_with", "contains", "list_append")
        if needs_path and not isinstance(f.args[0], Path):
            raise self.fail(
                f"Operator or function requires a document path; operator or function: {f.name}"
            )
        for a in f.args:
            self.operand(a, update)

    def update(self, clauses: list[tuple[str, list[Action]]]) -> tuple[Action, ...]:
        seen: set[str] = set()
        actions: list[Action] = []
        for section, items in clauses:
            if section in seen:
                raise self.fail(
                    f'The "{section}" section can only be used once in an update expression;'
                )
            seen.add(section)
            for a in items:
                self.path(a.path)
                if isinstance(a, SetAction):
                    if isinstance(a.value, Arith):
                        self.operand(a.value.left, True)
                        self.operand(a.value.right, True)
                    else:
                        self.operand(a.value, True)
                elif not isinstance(a, RemoveAction):
                    self.values.add(a.value.name)
                actions.append(a)
        return tuple(actions)
