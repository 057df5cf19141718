"""Where a test's cassette lives: `cassettes/<module>/<test>.awsrec` next to its module."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

SUFFIX = ".awsrec"
# Brackets stay: `test_put[small]` reads like its node id. Anything a shell or an OS might
# trip over becomes `_`.
_UNSAFE = re.compile(r"[^A-Za-z0-9._\-\[\]]")
# Most file systems cap a name at 255 bytes; leave room for the suffix and temp files.
_MAX_STEM = 150


def stem_for(nodeid: str) -> str:
    """The file stem for a node id: class and function after the module, joined by dots.

    `tests/test_s3.py::TestPut::test_put[small]` -> `TestPut.test_put[small]`.
    """
    parts = nodeid.split("::")[1:] or [nodeid]
    stem = _UNSAFE.sub("_", ".".join(parts)).strip(".") or "test"
    if len(stem) > _MAX_STEM:
        digest = hashlib.sha1(stem.encode(), usedforsecurity=False).hexdigest()[:12]
        stem = f"{stem[: _MAX_STEM - 13]}-{digest}"
    return stem


def cassette_dir(module: Path, rootdir: Path, base: Path | None) -> Path:
    """`cassettes/<module stem>/` next to the module, or the module's place under `base`.

    Under --awsrec-dir the module's path relative to the rootdir is kept, so two
    `test_s3.py` in different packages never share a directory.
    """
    if base is None:
        return module.parent / "cassettes" / module.stem
    try:
        rel = module.relative_to(rootdir)
    except ValueError:
        rel = Path(module.name)
    return base / rel.with_suffix("")


def cassette_path(directory: Path, nodeid: str, name: str | None) -> Path:
    """The test's cassette: the marker's `cassette=` (relative to `directory`) or its node id."""
    if not name:
        return directory / (stem_for(nodeid) + SUFFIX)
    path = Path(name)
    if path.suffix != SUFFIX:
        path = path.with_name(path.name + SUFFIX)
    return path if path.is_absolute() else directory / path
