"""PartiQL statements as trees that reuse the expression engine's conditions and actions."""

from __future__ import annotations

from dataclasses import dataclass

from replayer.state.dynamodb.expressions.ast import Action, Cond, Path, Value
from replayer.state.dynamodb.types import AV


@dataclass(frozen=True, slots=True)
class Param:
    """The n-th `?` of the statement (0-based, in text order)."""

    index: int


@dataclass(frozen=True, slots=True)
class Composite:
    """A tuple {'k': v} ("M"), a list [v] ("L") or a bag <<v>> ("BAG") of templates."""

    kind: str
    items: tuple[tuple[str, Template], ...]  # keys are "" in lists and bags


# A value written in the statement. Conditions and actions refer to each one as `:vN`.
Template = AV | Param | Composite


@dataclass(frozen=True, slots=True)
class Select:
    table: str
    index: str | None
    paths: tuple[Path, ...] | None  # None for SELECT *
    where: Cond | None


@dataclass(frozen=True, slots=True)
class Insert:
    table: str
    item: Value  # names the tuple's Composite("M", ...) template
    returning: str | None


@dataclass(frozen=True, slots=True)
class Update:
    table: str
    actions: tuple[Action, ...]
    where: Cond | None
    returning: str | None  # "ALL OLD", "MODIFIED NEW", ...


@dataclass(frozen=True, slots=True)
class Delete:
    table: str
    where: Cond | None
    returning: str | None


@dataclass(frozen=True, slots=True)
class Exists:
    """EXISTS(SELECT ...): a condition check inside ExecuteTransaction."""

    select: Select


Statement = Select | Insert | Update | Delete | Exists


@dataclass(frozen=True, slots=True)
class Parsed:
    """One parsed statement, its values by name, and how many `?` it has."""

    statement: Statement
    values: tuple[tuple[str, Template], ...]
    parameters: int

    @property
    def table(self) -> str:
        s = self.statement
        return s.select.table if isinstance(s, Exists) else s.table

    @property
    def is_read(self) -> bool:
        return isinstance(self.statement, Select)
