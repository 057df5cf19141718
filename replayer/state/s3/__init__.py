"""The S3 state model for `awsrec serve`: S3Model, assembled from per-area handler mixins."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from awsrec.cassette import Interaction
from replayer.state.s3 import seed as seeding
from replayer.state.s3.bucket_handlers import BucketHandlers
from replayer.state.s3.multipart_handlers import MultipartHandlers
from replayer.state.s3.object_handlers import ObjectHandlers

__all__ = ["S3Model"]


class S3Model(ObjectHandlers, MultipartHandlers, BucketHandlers):
    """Buckets, objects and multipart uploads with S3's semantics; memory or directory backed."""

    service = "s3"

    def __init__(self, state_dir: Path | None = None, account: str = "000000000000") -> None:
        super().__init__(state_dir, account)
        self._w0 = seeding.World0()

    def seed(self, interactions: Iterable[Interaction]) -> None:
        self._w0 = seeding.world0(interactions)
        # A directory world that already holds state (a restart) keeps it.
        if not self.world.persist.seeded():
            seeding.apply(self.world, self._w0, self.now())
            self.world.persist.mark_seeded()

    def reset(self) -> None:
        self.world.clear()
        seeding.apply(self.world, self._w0, self.now())
        self.world.persist.mark_seeded()

    def dump(self) -> dict[str, Any]:
        return self.world.dump()
