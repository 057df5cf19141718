"""One table's items: dict keyed by key tuple, sorted sort keys per partition, index views."""

from __future__ import annotations

import bisect
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from replayer.state.dynamodb.errors import KEY_MISMATCH, invalid_params, validation
from replayer.state.dynamodb.types import AV, Item, KeyPart, item_size, key_part

Key = tuple[KeyPart, KeyPart | None]
Entry = tuple[Any, ...]  # index entries: (index sort value, table pk, table sk)
HASH_KEY_MAX = 2048
RANGE_KEY_MAX = 1024


@dataclass
class Index:
    """A GSI or LSI: its key and projection."""

    name: str
    hash: str
    range: str | None
    projection: dict[str, Any]
    is_global: bool
    extra: dict[str, Any] = field(default_factory=dict)  # throughput, status, ...

    def projects(self, table: Table, item: Item) -> Item:
        kind = self.projection.get("ProjectionType", "ALL")
        if kind == "ALL":
            return item
        keep = {table.hash_key, self.hash, *(k for k in (table.range_key, self.range) if k)}
        if kind == "INCLUDE":
            keep.update(self.projection.get("NonKeyAttributes", []))
        return {k: v for k, v in item.items() if k in keep}


def partition_hash(pk: KeyPart) -> bytes:
    """Scan order and Scan segments follow a hash of the partition key, as in DynamoDB."""
    if isinstance(pk, bytes):
        raw = pk
    elif isinstance(pk, Decimal):
        raw = (f"{pk:f}" if pk else "0").encode()
    else:
        raw = pk.encode()
    return hashlib.md5(raw, usedforsecurity=False).digest()


class Table:
    """Items of one table with the orderings Query and Scan need."""

    def __init__(self, description: dict[str, Any]) -> None:
        self.description = description  # TableDescription as DynamoDB reports it
        schema = {k["KeyType"]: k["AttributeName"] for k in description["KeySchema"]}
        self.hash_key: str = schema["HASH"]
        self.range_key: str | None = schema.get("RANGE")
        self.types = {
            a["AttributeName"]: a["AttributeType"] for a in description["AttributeDefinitions"]
        }
        self.indexes: dict[str, Index] = {}
        for kind, is_global in (("GlobalSecondaryIndexes", True), ("LocalSecondaryIndexes", False)):
            for d in description.get(kind, []):
                ks = {k["KeyType"]: k["AttributeName"] for k in d["KeySchema"]}
                self.indexes[d["IndexName"]] = Index(
                    d["IndexName"], ks["HASH"], ks.get("RANGE"), d["Projection"], is_global, d
                )
        self.items: dict[Key, Item] = {}
        self.sizes: dict[Key, int] = {}  # item sizes, so reads never recompute them
        self.parts: dict[KeyPart, list[Any]] = {}
        self.version = 0
        self.size = 0
        self._scan: list[tuple[bytes, Key]] | None = None
        self._hashes: dict[KeyPart, bytes] = {}
        self._views: dict[str, tuple[int, dict[KeyPart, list[Entry]], list[Entry]]] = {}

    # -- keys -------------------------------------------------------------------------------

    def key_of(self, key: dict[str, AV]) -> Key:
        """The key tuple of a `Key` parameter: exactly the key attributes, right types."""
        rk = self.range_key
        if len(key) != (2 if rk else 1):
            raise validation(KEY_MISMATCH)
        pk = self._part(key, self.hash_key, KEY_MISMATCH)
        return (pk, self._part(key, rk, KEY_MISMATCH) if rk else None)

    def key_of_item(self, item: Item) -> Key:
        """The key tuple of a whole item, with PutItem's messages."""
        rk = self.range_key
        pk = self._part(item, self.hash_key, None)
        return (pk, self._part(item, rk, None) if rk else None)

    def _part(self, d: dict[str, AV], name: str, mismatch: str | None) -> KeyPart:
        av = d.get(name)
        if av is None:
            if mismatch:
                raise validation(mismatch)
            raise invalid_params(f"Missing the key {name} in the item")
        want = self.types[name]
        if want not in av or len(av) != 1:
            if mismatch:
                raise validation(mismatch)
            raise invalid_params(
                f"Type mismatch for key {name} expected: {want} actual: {next(iter(av))}"
            )
        v = av[want]
        if v == "":
            raise validation(
                "One or more parameter values are not valid. The AttributeValue for a key "
                f"attribute cannot contain an empty string value. Key: {name}"
            )
        part = key_part(av)
        limit = HASH_KEY_MAX if name == self.hash_key else RANGE_KEY_MAX
        if len(part) > limit if not isinstance(part, Decimal) else False:
            if limit == HASH_KEY_MAX:
                raise invalid_params(
                    "Size of hashkey has exceeded the maximum size limit of2048 bytes"
                )
            raise invalid_params(
                "Aggregated size of all range keys has exceeded the size limit of 1024 bytes"
            )
        return part

    def key_attrs(self, item: Item) -> Item:
        out = {self.hash_key: item[self.hash_key]}
        if self.range_key:
            out[self.range_key] = item[self.range_key]
        return out

    def check_index_keys(self, item: Item) -> None:
        for ix in self.indexes.values():
            for name in (ix.hash, ix.range):
                if name and name in item and self.types[name] not in item[name]:
                    raise invalid_params(
                        f"Type mismatch for Index Key {name} Expected: {self.types[name]} "
                        f"Actual: {next(iter(item[name]))} IndexName: {ix.name}"
                    )
                if name and name in item and item[name].get(self.types[name]) == "":
                    raise validation(
                        "One or more parameter values are not valid. A value specified for a "
                        "secondary index key is not supported. The AttributeValue for a key "
                        f"attribute cannot contain an empty string value. IndexName: {ix.name}, "
                        f"IndexKey: {name}"
                    )

    # -- writes -----------------------------------------------------------------------------

    def put(self, key: Key, item: Item, size: int | None = None) -> Item | None:
        old = self.items.get(key)
        self.items[key] = item
        self.version += 1
        new_size = item_size(item) if size is None else size
        self.size += new_size - self.sizes.get(key, 0)
        self.sizes[key] = new_size
        if old is None:
            self._scan = None
            pk, sk = key
            if self.range_key:
                bisect.insort(self.parts.setdefault(pk, []), sk)
            else:
                self.parts[pk] = [None]
        return old

    def delete(self, key: Key) -> Item | None:
        old = self.items.pop(key, None)
        if old is None:
            return None
        self.version += 1
        self.size -= self.sizes.pop(key)
        self._scan = None
        pk, sk = key
        lst = self.parts[pk]
        if self.range_key:
            del lst[bisect.bisect_left(lst, sk)]
        else:
            lst.clear()
        if not lst:
            del self.parts[pk]
        return old

    # -- orderings --------------------------------------------------------------------------

    def phash(self, pk: KeyPart) -> bytes:
        h = self._hashes.get(pk)
        if h is None:
            h = self._hashes[pk] = partition_hash(pk)
        return h

    def scan_order(self) -> list[tuple[bytes, Key]]:
        if self._scan is None:
            self._scan = sorted(
                ((self.phash(k[0]), k) for k in self.items),
                key=lambda e: (e[0], e[1][1]) if self.range_key else (e[0],),
            )
        return self._scan

    def view(self, index: Index) -> tuple[dict[KeyPart, list[Entry]], list[Entry]]:
        """Index partitions {ipk: sorted (isk, tpk, tsk)} and its scan order, cached."""
        cached = self._views.get(index.name)
        if cached and cached[0] == self.version:
            return cached[1], cached[2]
        parts: dict[KeyPart, list[Entry]] = {}
        for (tpk, tsk), item in self.items.items():
            h = item.get(index.hash)
            if h is None or (index.range and index.range not in item):
                continue
            isk = key_part(item[index.range]) if index.range else None
            parts.setdefault(key_part(h), []).append((isk, tpk, tsk))
        order: list[Entry] = []
        for ipk, entries in parts.items():
            entries.sort(key=_entry_key)
            order.extend((self.phash(ipk), ipk, *e) for e in entries)
        order.sort(key=lambda e: (e[0], *_entry_key(e[2:])))
        self._views[index.name] = (self.version, parts, order)
        return parts, order


def _entry_key(e: Entry) -> tuple[Any, ...]:
    # None (no sort key) sorts first; real values keep their natural order.
    return tuple((0, b"") if x is None else (1, x) for x in e)
