"""Bounds every cassette record keeps and the deflate settings the reader and writer share."""

from __future__ import annotations

# Largest record (one interaction, bodies included, uncompressed) written or read. msgpack's
# Unpacker grows its buffer only with bytes actually read, never by a length the file claims,
# and the inflater hands it a bounded amount per read, so a hostile "2 GB bin" or a deflate bomb
# allocates nothing beyond the bytes really present (tested); this caps what one record may use.
MAX_RECORD_BYTES = 1 << 30
# Longest array (pairs count twice). Unlike bin/str, msgpack preallocates a list for the length
# an array *claims*, so this bounds what a crafted file can make the reader reserve: at most
# 1,023 nested levels (msgpack's depth limit) x 16,384 x 8 bytes = 128 MiB, then it fails.
MAX_LIST_ITEMS = 1 << 14
# Maps are not preallocated, so their limit only has to fit the largest placeholder table.
MAX_MAP_ITEMS = 1 << 24
# zlib level of the record stream. Measured with benchmarks/cassette_io.py (10,000 S3-shaped
# records, 1 KiB bodies): levels 1-6 land within a few percent of each other in size, because
# the saving comes from headers repeating across records, which every level finds.
COMPRESSION_LEVEL = 1
_WBITS = -15  # raw deflate (RFC 1951): no zlib header, no checksum of a stream never finished
_READ_SIZE = 1 << 20  # decompressed bytes asked for at a time: bounds what one read holds
