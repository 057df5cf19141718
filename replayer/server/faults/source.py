"""Reading a fault rules document (YAML or JSON) together with the line of every field in it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import yaml

from awsrec.errors import RulesError

Path_ = tuple[str | int, ...]


@dataclass(slots=True)
class Source:
    """A parsed document, where it came from, and the 1-based line of each field path."""

    data: Any
    name: str
    lines: dict[Path_, int] = field(default_factory=dict)

    def line_of(self, path: Path_) -> int | None:
        """The line of `path`, or of its nearest enclosing field that has one."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return line
        return None

    def fail(self, path: Path_, problem: str) -> RulesError:
        """A RulesError naming the file, line and field: `faults.yaml:7: rules[0].do.error: ...`."""
        line = self.line_of(path)
        where = f"{self.name}:{line}" if line is not None else self.name
        return RulesError(f"{where}: {dotted(path)}: {problem}")


def dotted(path: Path_) -> str:
    """`("rules", 0, "do", "error")` as `rules[0].do.error`."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or "(top level)"


def parse(text: str, name: str, json_only: bool = False) -> Source:
    """Parse `text` as JSON (when it looks like JSON) or YAML, keeping each field's line."""
    stripped = text.lstrip()
    if json_only or stripped.startswith(("{", "[")):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as e:
            if json_only:
                raise RulesError(f"{name}:{e.lineno}: not valid JSON: {e.msg}") from e
        else:
            # JSON is (almost always) YAML too: the composer gives lines; without them the
            # message still names the field.
            return Source(data, name, _lines_or_none(text))
    import yaml  # only when rules are given: serve without --faults never loads PyYAML

    try:
        loader = yaml.SafeLoader(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        at = f"{name}:{mark.line + 1}" if mark is not None else name
        raise RulesError(f"{at}: not valid YAML: {getattr(e, 'problem', None) or e}") from e
    lines: dict[Path_, int] = {}
    if node is not None:
        _walk(node, (), lines)
    return Source(data, name, lines)


def _lines_or_none(text: str) -> dict[Path_, int]:
    import yaml

    lines: dict[Path_, int] = {}
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return lines
    if node is not None:
        _walk(node, (), lines)
    return lines


def _walk(node: yaml.Node, path: Path_, lines: dict[Path_, int]) -> None:
    import yaml

    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                sub = (*path, str(key.value))
                lines[sub] = key.start_mark.line + 1
                _walk(value, sub, lines)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, (*path, i), lines)
