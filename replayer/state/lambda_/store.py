"""The functions of one Lambda world: records, code blobs, memory or directory persistence."""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from awsrec.atomic import atomic_write_bytes, atomic_write_json

Doc = dict[str, Any]
LATEST = "$LATEST"


@dataclass
class Function:
    """One function: $LATEST, its published versions, aliases, resource policy and tags."""

    name: str
    latest: Doc  # FunctionConfiguration of $LATEST, fields in AWS's order
    code: str = ""  # hex sha256 of $LATEST's zip in the code store; "" when not held
    versions: dict[str, Doc] = field(default_factory=dict)  # "1" -> FunctionConfiguration
    version_code: dict[str, str] = field(default_factory=dict)
    next_version: int = 1
    aliases: dict[str, Doc] = field(default_factory=dict)
    policy: list[Doc] = field(default_factory=list)
    policy_revision: str = ""
    tags: dict[str, str] = field(default_factory=dict)
    # Seeded from a recording of real AWS: the world knows its configuration, not its code.
    recorded: bool = False

    def config(self, version: str) -> Doc | None:
        return self.latest if version == LATEST else self.versions.get(version)

    def code_of(self, version: str) -> str:
        return self.code if version == LATEST else self.version_code.get(version, "")


class Store:
    """Functions by name plus content-addressed code; persisted under `state_dir` if given."""

    def __init__(self, state_dir: Path | None) -> None:
        self.state_dir = state_dir
        self.functions: dict[str, Function] = {}
        self._code: dict[str, bytes] = {}
        if state_dir is not None:
            self._load(state_dir)

    def _load(self, state_dir: Path) -> None:
        index = state_dir / "functions.json"
        if not index.exists():
            return
        for doc in json.loads(index.read_bytes()):
            self.functions[doc["name"]] = Function(**doc)

    def seeded(self) -> bool:
        return self.state_dir is not None and (self.state_dir / "functions.json").exists()

    def save(self) -> None:
        """Persist the index (code blobs are written once, when they arrive)."""
        if self.state_dir is not None:
            docs = [asdict(f) for f in self.functions.values()]
            atomic_write_json(self.state_dir / "functions.json", docs)

    def put_code(self, data: bytes) -> str:
        key = hashlib.sha256(data).hexdigest()
        if self.state_dir is None:
            self._code[key] = data
        else:
            path = self.state_dir / "code" / f"{key}.zip"
            if not path.exists():
                atomic_write_bytes(path, data)
        return key

    def get_code(self, key: str) -> bytes:
        if self.state_dir is None:
            return self._code[key]
        return (self.state_dir / "code" / f"{key}.zip").read_bytes()

    def clear(self) -> None:
        self.functions.clear()
        self._code.clear()

    def dump(self) -> Doc:
        out: Doc = {}
        for name, fn in sorted(self.functions.items()):
            out[name] = {
                "Configuration": copy.deepcopy(fn.latest),
                "Versions": sorted(fn.versions, key=int),
                "Aliases": sorted(fn.aliases),
                "Policy": fn.policy,
                "Tags": fn.tags,
                "Recorded": fn.recorded,
            }
        return out
