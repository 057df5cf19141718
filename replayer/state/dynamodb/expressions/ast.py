"""The expression syntax tree: document paths, operands, conditions and update actions."""

from __future__ import annotations

from dataclasses import dataclass

Element = str | int  # a map key (raw: "a" or "#n") or a list index


@dataclass(frozen=True, slots=True)
class Path:
    elements: tuple[Element, ...]


@dataclass(frozen=True, slots=True)
class Value:
    name: str  # ":v"


@dataclass(frozen=True, slots=True)
class Func:
    name: str
    args: tuple[Operand, ...]


Operand = Path | Value | Func


@dataclass(frozen=True, slots=True)
class Compare:
    op: str
    left: Operand
    right: Operand


@dataclass(frozen=True, slots=True)
class Between:
    operand: Operand
    low: Operand
    high: Operand


@dataclass(frozen=True, slots=True)
class In:
    operand: Operand
    options: tuple[Operand, ...]


@dataclass(frozen=True, slots=True)
class And:
    left: Cond
    right: Cond


@dataclass(frozen=True, slots=True)
class Or:
    left: Cond
    right: Cond


@dataclass(frozen=True, slots=True)
class Not:
    cond: Cond


Cond = Compare | Between | In | And | Or | Not | Func


@dataclass(frozen=True, slots=True)
class Arith:
    op: str  # "+" or "-"
    left: Operand
    right: Operand


@dataclass(frozen=True, slots=True)
class SetAction:
    path: Path
    value: Operand | Arith


@dataclass(frozen=True, slots=True)
class RemoveAction:
    path: Path


@dataclass(frozen=True, slots=True)
class AddAction:
    path: Path
    value: Value


@dataclass(frozen=True, slots=True)
class DeleteAction:
    path: Path
    value: Value


Action = SetAction | RemoveAction | AddAction | DeleteAction


@dataclass(frozen=True, slots=True)
class Parsed:
    """One parsed expression and the placeholders it uses."""

    kind: str  # "ConditionExpression", "UpdateExpression", ...
    node: Cond | tuple[Path, ...] | tuple[Action, ...]
    names: frozenset[str]
    values: frozenset[str]

    def cond(self) -> Cond:
        return self.node  # type: ignore[return-value]

    def paths(self) -> tuple[Path, ...]:
        return self.node  # type: ignore[return-value]

    def actions(self) -> tuple[Action, ...]:
        return self.node  # type: ignore[return-value]
