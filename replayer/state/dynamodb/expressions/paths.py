"""Document paths: overlap checks, projections, and writes into nested maps and lists."""

from __future__ import annotations

import copy
from typing import Any

from replayer.state.dynamodb.errors import DynamoError, validation
from replayer.state.dynamodb.types import AV, Item

Resolved = tuple[str | int, ...]
INVALID_PATH = "The document path provided in the update expression is invalid for update"


def format_path(p: Resolved) -> str:
    return "[" + ", ".join(f"[{e}]" if isinstance(e, int) else e for e in p) + "]"


def check_overlap(kind: str, paths: list[Resolved]) -> None:
    """DynamoDB rejects two paths where one contains the other, or one indexes the other."""
    for i, a in enumerate(paths):
        for b in paths[i + 1 :]:
            n = min(len(a), len(b))
            for j in range(n):
                if a[j] != b[j]:
                    if isinstance(a[j], int) != isinstance(b[j], int):
                        raise validation(
                            f"Invalid {kind}: Two document paths conflict with each other; must "
                            "remove or rewrite one of these paths; "
                            f"path one: {format_path(a)}, path two: {format_path(b)}"
                        )
                    break
            else:
                raise validation(
                    f"Invalid {kind}: Two document paths overlap with each other; must remove "
                    f"or rewrite one of these paths; path one: {format_path(a)}, "
                    f"path two: {format_path(b)}"
                )


def project(item: Item, paths: list[Resolved]) -> Item:
    """The parts of `item` the paths select; list elements keep their relative order."""
    spec: dict[Any, Any] = {}
    for p in paths:
        node = spec
        for e in p[:-1]:
            node = node.setdefault(e, {})
        node[p[-1]] = None  # leaf: take the whole value
    out: Item = {}
    for name, sub in spec.items():
        if isinstance(name, str) and name in item:
            v = _project_value(item[name], sub)
            if v is not None:
                out[name] = v
    return out


def _project_value(v: AV, spec: dict[Any, Any] | None) -> AV | None:
    if spec is None:
        return v
    if "M" in v:
        m = {}
        for k, sub in spec.items():
            if isinstance(k, str) and k in v["M"]:
                x = _project_value(v["M"][k], sub)
                if x is not None:
                    m[k] = x
        return {"M": m} if m else None
    if "L" in v:
        lst = v["L"]
        out = []
        for i in sorted(k for k in spec if isinstance(k, int)):
            if i < len(lst):
                x = _project_value(lst[i], spec[i])
                if x is not None:
                    out.append(x)
        return {"L": out} if out else None
    return None


def _container(item: Item, parent: Resolved) -> AV:
    """The map or list holding the last element of a path; it must already exist."""
    cur: AV = {"M": item}
    for e in parent:
        if isinstance(e, int):
            lst = cur.get("L")
            if lst is None or e >= len(lst):
                raise validation(INVALID_PATH)
            cur = lst[e]
        else:
            m = cur.get("M")
            if m is None or e not in m:
                raise validation(INVALID_PATH)
            cur = m[e]
    return cur


def set_path(item: Item, path: Resolved, value: AV) -> None:
    holder = _container(item, path[:-1])
    last = path[-1]
    if isinstance(last, int):
        lst = holder.get("L")
        if lst is None:
            raise validation(INVALID_PATH)
        if last >= len(lst):
            lst.append(value)  # past the end appends, as DynamoDB does
        else:
            lst[last] = value
    else:
        m = holder.get("M")
        if m is None:
            raise validation(INVALID_PATH)
        m[last] = value


def remove_path(item: Item, path: Resolved) -> None:
    try:
        holder = _container(item, path[:-1])
    except DynamoError:
        return  # removing beneath a missing attribute is a no-op
    last = path[-1]
    if isinstance(last, int):
        lst = holder.get("L")
        if lst is None:
            raise validation(INVALID_PATH)
        if last < len(lst):
            del lst[last]
    else:
        m = holder.get("M")
        if m is None:
            raise validation(INVALID_PATH)
        m.pop(last, None)


def clone(item: Item) -> Item:
    return copy.deepcopy(item)
