"""The S3 world: buckets, objects and uploads in memory, mirrored to a directory if asked."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from replayer.state.base import Headers
from replayer.state.s3 import errors
from replayer.state.s3.buckets import Bucket
from replayer.state.s3.conditions import check_write
from replayer.state.s3.multipart import Upload
from replayer.state.s3.objects import S3Object, part_from_json
from replayer.state.s3.persist import DirectoryPersistence, Persistence
from replayer.state.s3.store import BlobStore, DirectoryStore, MemoryStore


class S3World:
    """Domain state; methods raise AwsError values and keep disk and memory in step."""

    def __init__(self, state_dir: Path | None) -> None:
        self.buckets: dict[str, Bucket] = {}
        self.uploads: dict[str, Upload] = {}
        # Check-and-commit runs without awaiting; the lock also covers threaded callers.
        self.lock = threading.Lock()
        self.store: BlobStore
        self.persist: Persistence
        if state_dir is None:
            self.store, self.persist = MemoryStore(), Persistence()
        else:
            root = state_dir  # the core gives each service its own directory
            directory = DirectoryPersistence(root)
            self.store, self.persist = DirectoryStore(root / "blobs"), directory
            self._load(directory)

    def _load(self, directory: DirectoryPersistence) -> None:
        live: set[str] = set()
        for doc, objects in directory.load_buckets():
            bucket = Bucket(doc["name"], doc["region"], doc["created"])
            for odoc in objects:
                blob = self.store.load(odoc["blob"], odoc["size"])
                bucket.put(S3Object.from_json(odoc, blob))
                live.add(odoc["blob"])
            self.buckets[bucket.name] = bucket
        for udoc, parts in directory.load_uploads():
            upload = Upload.from_json(udoc)
            for pdoc in parts:
                blob = self.store.load(pdoc["blob"], pdoc["size"])
                upload.parts[pdoc["number"]] = part_from_json(pdoc, blob)
                live.add(pdoc["blob"])
            self.uploads[upload.upload_id] = upload
        if isinstance(self.store, DirectoryStore):
            self.store.sweep(live)

    # Buckets

    def bucket(self, name: str) -> Bucket:
        bucket = self.buckets.get(name)
        if bucket is None:
            raise errors.no_such_bucket(name)
        return bucket

    def add_bucket(self, bucket: Bucket) -> None:
        self.buckets[bucket.name] = bucket
        self.persist.save_bucket(bucket.to_json())

    def delete_bucket(self, name: str) -> None:
        bucket = self.bucket(name)
        if bucket.objects:
            raise errors.bucket_not_empty(name)
        for upload in [u for u in self.uploads.values() if u.bucket == name]:
            self.drop_upload(upload)
        del self.buckets[name]
        self.persist.delete_bucket(name)

    # Objects

    def get_object(self, bucket_name: str, key: str) -> S3Object:
        obj = self.bucket(bucket_name).get(key)
        if obj is None:
            raise errors.no_such_key(key)
        return obj

    def commit(self, bucket_name: str, obj: S3Object, headers: Headers | None = None) -> None:
        """Store `obj`, atomically with the write preconditions in `headers` if given."""
        with self.lock:
            try:
                bucket = self.bucket(bucket_name)
                if headers is not None:
                    current = bucket.get(obj.key)
                    check_write(headers, current.etag if current else None, obj.key)
            except errors.AwsError:
                self.store.release(obj.blob)
                raise
            self.persist.save_object(bucket_name, obj.to_json())
            old = bucket.put(obj)
        if old is not None and old.blob is not obj.blob:
            self.store.release(old.blob)

    def save(self, bucket_name: str, obj: S3Object) -> None:
        """Persist a metadata-only change (tags)."""
        self.persist.save_object(bucket_name, obj.to_json())

    def delete_object(self, bucket_name: str, key: str) -> bool:
        with self.lock:
            old = self.bucket(bucket_name).remove(key)
            if old is None:
                return False
            self.persist.delete_object(bucket_name, key)
        self.store.release(old.blob)
        return True

    # Uploads

    def upload(self, upload_id: str) -> Upload:
        upload = self.uploads.get(upload_id)
        if upload is None:
            raise errors.no_such_upload(upload_id)
        return upload

    def add_upload(self, upload: Upload) -> None:
        self.uploads[upload.upload_id] = upload
        self.persist.save_upload(upload.upload_id, upload.to_json())

    def drop_upload(self, upload: Upload) -> None:
        self.uploads.pop(upload.upload_id, None)
        self.persist.delete_upload(upload.upload_id)
        for part in upload.parts.values():
            if part.blob is not None:
                self.store.release(part.blob)

    # Whole world

    def clear(self) -> None:
        self.buckets.clear()
        self.uploads.clear()
        self.persist.clear()
        self.store.clear()

    def dump(self) -> dict[str, Any]:
        return {
            "buckets": {
                b.name: {
                    "region": b.region,
                    "objects": {
                        k: {"size": b.objects[k].size, "etag": b.objects[k].quoted_etag}
                        for k in b.keys
                    },
                }
                for b in self.buckets.values()
            },
            "uploads": [
                {"bucket": u.bucket, "key": u.key, "upload_id": u.upload_id, "parts": len(u.parts)}
                for u in self.uploads.values()
            ],
        }
