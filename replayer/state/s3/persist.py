"""Persistence of S3 metadata: nothing for memory, one JSON file per record for a directory.

Each write goes through `awsrec.atomic` (temp file, fsync, rename), so a kill -9
leaves every record either old or new. An object's blob is written before its metadata, so a
crash can only leave an unreferenced blob, which `load` sweeps away.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

from awsrec.atomic import atomic_write_json


def _key_file(key: str) -> str:
    # Keys may be 1,024 bytes of anything; a digest is a safe, fixed-length file name.
    return hashlib.sha256(key.encode()).hexdigest() + ".json"


class Persistence:
    """The memory backend: every method is a no-op."""

    def save_bucket(self, doc: dict[str, Any]) -> None:
        pass

    def delete_bucket(self, name: str) -> None:
        pass

    def save_object(self, bucket: str, doc: dict[str, Any]) -> None:
        pass

    def delete_object(self, bucket: str, key: str) -> None:
        pass

    def save_upload(self, upload_id: str, doc: dict[str, Any]) -> None:
        pass

    def save_part(self, upload_id: str, doc: dict[str, Any]) -> None:
        pass

    def delete_upload(self, upload_id: str) -> None:
        pass

    def mark_seeded(self) -> None:
        pass

    def seeded(self) -> bool:
        return False

    def clear(self) -> None:
        pass


class DirectoryPersistence(Persistence):
    def __init__(self, root: Path) -> None:
        self.root = root
        for sub in ("buckets", "objects", "uploads"):
            (root / sub).mkdir(parents=True, exist_ok=True)

    def save_bucket(self, doc: dict[str, Any]) -> None:
        atomic_write_json(self.root / "buckets" / f"{doc['name']}.json", doc)

    def delete_bucket(self, name: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            (self.root / "buckets" / f"{name}.json").unlink()
        shutil.rmtree(self.root / "objects" / name, ignore_errors=True)

    def save_object(self, bucket: str, doc: dict[str, Any]) -> None:
        atomic_write_json(self.root / "objects" / bucket / _key_file(doc["key"]), doc)

    def delete_object(self, bucket: str, key: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            (self.root / "objects" / bucket / _key_file(key)).unlink()

    def save_upload(self, upload_id: str, doc: dict[str, Any]) -> None:
        atomic_write_json(self.root / "uploads" / upload_id / "upload.json", doc)

    def save_part(self, upload_id: str, doc: dict[str, Any]) -> None:
        atomic_write_json(self.root / "uploads" / upload_id / f"part-{doc['number']}.json", doc)

    def delete_upload(self, upload_id: str) -> None:
        shutil.rmtree(self.root / "uploads" / upload_id, ignore_errors=True)

    def mark_seeded(self) -> None:
        atomic_write_json(self.root / "seeded.json", {"seeded": True})

    def seeded(self) -> bool:
        return (self.root / "seeded.json").exists()

    def clear(self) -> None:
        for sub in ("buckets", "objects", "uploads"):
            shutil.rmtree(self.root / sub, ignore_errors=True)
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileNotFoundError):
            (self.root / "seeded.json").unlink()

    def load_buckets(self) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
        """Every bucket with its object records."""
        out = []
        for path in sorted((self.root / "buckets").glob("*.json")):
            doc = json.loads(path.read_text())
            objects_dir = self.root / "objects" / doc["name"]
            objects = [json.loads(p.read_text()) for p in objects_dir.glob("*.json")]
            out.append((doc, objects))
        return out

    def load_uploads(self) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
        out = []
        for path in sorted((self.root / "uploads").glob("*/upload.json")):
            parts = [json.loads(p.read_text()) for p in path.parent.glob("part-*.json")]
            out.append((json.loads(path.read_text()), parts))
        return out
