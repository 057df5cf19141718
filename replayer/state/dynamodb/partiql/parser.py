"""Parse PartiQL statements with the lark grammar into cached statement trees."""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any

from lark import Lark, Token, UnexpectedInput
from lark.exceptions import VisitError

from replayer.state.dynamodb.errors import DynamoError, validation
from replayer.state.dynamodb.expressions.ast import (
    Action,
    AddAction,
    And,
    Between,
    Compare,
    Cond,
    DeleteAction,
    Func,
    Not,
    Operand,
    Or,
    Path,
    RemoveAction,
    SetAction,
    Value,
)
from replayer.state.dynamodb.expressions.parser import CONDITION_FUNCTIONS, ConditionTransformer
from replayer.state.dynamodb.partiql.ast import (
    Composite,
    Delete,
    Exists,
    Insert,
    Param,
    Parsed,
    Select,
    Statement,
    Template,
    Update,
)
from replayer.state.dynamodb.types import check_value

_LARK = Lark(
    (resources.files(__package__) / "grammar.lark").read_text(), parser="lalr", start="start"
)
# https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ql-reference.html
MALFORMED = "Statement wasn't well formed, can't be processed: "
DML = frozenset({"SELECT", "INSERT", "UPDATE", "DELETE", "EXISTS"})


def _unquote(token: Token) -> str:
    text = str(token)
    if token.type == "QUOTED":
        return text[1:-1].replace('""', '"')
    return text


class _ToStatement(ConditionTransformer):
    """lark's tree to statement dataclasses; every value becomes a named template."""

    def __init__(self) -> None:
        super().__init__()
        self.values: list[tuple[str, Template]] = []
        self.params: list[int] = []  # start positions of the `?`, to number them in text order

    def _named(self, t: Template) -> Value:
        name = f":v{len(self.values)}"
        self.values.append((name, t))
        return Value(name)

    # -- values: templates inside values, named Values where an expression uses them -----

    def string(self, items: list[Token]) -> Value:
        return self._named({"S": str(items[0])[1:-1].replace("''", "'")})

    def number(self, items: list[Token]) -> Value:
        text = "".join(str(t) for t in items)
        try:
            av = check_value({"N": text})
        except DynamoError as e:
            raise validation(e.message) from e
        return self._named(av)

    def true(self, _: list[Token]) -> Value:
        return self._named({"BOOL": True})

    def false(self, _: list[Token]) -> Value:
        return self._named({"BOOL": False})

    def null(self, _: list[Token]) -> Value:
        return self._named({"NULL": True})

    def param(self, items: list[Token]) -> Value:
        pos = items[0].start_pos or 0
        self.params.append(pos)
        return self._named(Param(pos))  # renumbered once every `?` is known

    def _template(self, v: Value) -> Template:
        return dict(self.values)[v.name]

    def tuple_value(self, items: list[Any]) -> Value:
        pairs = tuple((k, self._template(v)) for k, v in (p for p in items if p is not None))
        return self._named(Composite("M", pairs))

    def pair(self, items: list[Any]) -> tuple[str, Value]:
        return str(items[0])[1:-1].replace("''", "'"), items[1]

    def list_value(self, items: list[Any]) -> Value:
        members = tuple(("", self._template(v)) for v in items if v is not None)
        return self._named(Composite("L", members))

    def bag(self, items: list[Any]) -> Value:
        members = tuple(("", self._template(v)) for v in items[1:-1] if v is not None)
        return self._named(Composite("BAG", members))

    # -- paths and conditions ---------------------------------------------------------------

    def path(self, items: list[Token]) -> Path:
        return Path(tuple(int(t) if t.type == "INT" else _unquote(t) for t in items))

    def compare(self, items: list[Any]) -> Compare:
        # PartiQL also writes "not equal" as !=; the tree has one name for it.
        op = "<>" if str(items[1]) == "!=" else str(items[1])
        return Compare(op, items[0], items[2])

    def missing(self, items: list[Any]) -> Func:
        return Func("attribute_not_exists", (items[0],))

    def not_missing(self, items: list[Any]) -> Func:
        return Func("attribute_exists", (items[0],))

    # -- statements -------------------------------------------------------------------------

    def where(self, items: list[Any]) -> Cond:
        return items[1]  # type: ignore[no-any-return]

    def returning(self, items: list[Token]) -> str:
        return f"{str(items[1]).upper()} {str(items[2]).upper()}"

    def star(self, _: list[Any]) -> None:
        return None

    def paths(self, items: list[Path]) -> tuple[Path, ...]:
        return tuple(items)

    def source(self, items: list[Token]) -> tuple[str, str | None]:
        return _unquote(items[0]), (_unquote(items[1]) if len(items) > 1 else None)

    def select(self, items: list[Any]) -> Select:
        (table, index), where = items[3], (items[4] if len(items) > 4 else None)
        return Select(table, index, items[1], where)

    def exists(self, items: list[Any]) -> Exists:
        return Exists(items[1])

    def insert(self, items: list[Any]) -> Insert:
        item: Value = items[4]
        t = self._template(item)
        if not isinstance(t, Composite) or t.kind != "M":
            raise validation(
                "Unsupported format in item expression. Please use struct format {...} to "
                "express item values for insert statement."
            )
        return Insert(_unquote(items[2]), item, items[5] if len(items) > 5 else None)

    def update(self, items: list[Any]) -> Update:
        actions = tuple(a for clause in items[2:] if isinstance(clause, list) for a in clause)
        where = next((x for x in items[2:] if isinstance(x, Cond)), None)
        returning = next((x for x in items[2:] if isinstance(x, str)), None)
        return Update(_unquote(items[1]), actions, where, returning)

    def delete(self, items: list[Any]) -> Delete:
        rest = items[3:]
        where = next((x for x in rest if isinstance(x, Cond)), None)
        returning = next((x for x in rest if isinstance(x, str)), None)
        return Delete(_unquote(items[2]), where, returning)

    def set_clause(self, items: list[Any]) -> list[Any]:
        return [a for a in items[1:]]

    def remove_clause(self, items: list[Any]) -> list[Any]:
        return [RemoveAction(p) for p in items[1:]]

    def assign(self, items: list[Any]) -> Action:
        path, value = items[0], items[2]
        if isinstance(value, Func) and value.name in ("set_add", "set_delete"):
            return _set_function(path, value)
        return SetAction(path, value)


def _set_function(path: Path, f: Func) -> Action:
    """SET s = set_add(s, <<...>>) is ADD s :v; set_delete is DELETE s :v."""
    what = f.name.upper()
    if len(f.args) != 2:
        raise validation(f"{what} must have exactly two arguments")
    if f.args[0] != path:
        raise validation(f"The first argument to {what} must equal the assignment value")
    value = f.args[1]
    if not isinstance(value, Value):
        raise validation(f"The second argument to {what} must be a value with type SET")
    return AddAction(path, value) if f.name == "set_add" else DeleteAction(path, value)


def syntax_error(text: str, e: UnexpectedInput) -> DynamoError:
    """DynamoDB's envelope; a statement that is no DML at all says so."""
    first = text.lstrip().split(None, 1)[0].upper() if text.strip() else ""
    first = first.split("(")[0]
    if first not in DML:
        return validation(MALFORMED + "Expected data manipulation")
    token = getattr(e, "token", None)
    if isinstance(token, Token) and token.type == "$END":
        return validation(MALFORMED + "Unexpected end of statement")
    literal = ("NAME", "QUOTED", "STRING", "NUMBER")
    if isinstance(token, Token) and token.type not in literal and str(token).isalpha():
        return validation(MALFORMED + "Unexpected keyword")
    return validation(MALFORMED + "Unexpected token")


@functools.lru_cache(maxsize=2048)
def parse(text: str) -> Parsed:
    """Parse one statement; the result is shared, so it is never mutated."""
    try:
        tree = _LARK.parse(text)
    except UnexpectedInput as e:
        raise syntax_error(text, e) from e
    builder = _ToStatement()
    try:
        statement: Statement = builder.transform(tree).children[0]
    except VisitError as e:  # a check inside the transformer (number, bag, set_add) failed
        if isinstance(e.orig_exc, DynamoError):
            raise e.orig_exc from e
        raise
    _check_functions(statement)
    order = {pos: i for i, pos in enumerate(sorted(builder.params))}
    values = tuple((name, _renumber(t, order)) for name, t in builder.values)
    return Parsed(statement, values, len(order))


def _renumber(t: Template, order: dict[int, int]) -> Template:
    if isinstance(t, Param):
        return Param(order[t.index])
    if isinstance(t, Composite):
        return Composite(t.kind, tuple((k, _renumber(v, order)) for k, v in t.items))
    return t


def _check_functions(s: Statement) -> None:
    where = s.select.where if isinstance(s, Exists) else getattr(s, "where", None)
    if where is not None:
        _check_cond(where)


def _check_cond(c: Cond) -> None:
    if isinstance(c, And | Or):
        _check_cond(c.left)
        _check_cond(c.right)
    elif isinstance(c, Not):
        _check_cond(c.cond)
    elif isinstance(c, Func):
        _check_function(c)
    elif isinstance(c, Compare):
        _check_operands((c.left, c.right))
    elif isinstance(c, Between):
        _check_operands((c.operand, c.low, c.high))
    else:
        _check_operands((c.operand, *c.options))


def _check_operands(ops: tuple[Operand, ...]) -> None:
    for o in ops:
        if isinstance(o, Func):
            _check_function(o)


def _check_function(f: Func) -> None:
    if f.name.lower() not in CONDITION_FUNCTIONS:
        raise validation(f"Unrecognized function: {f.name}")
