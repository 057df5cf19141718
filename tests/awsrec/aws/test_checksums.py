"""S3 checksums against published check values (CRC catalogue "123456789") and known digests."""

from __future__ import annotations

import base64

import pytest

from awsrec.aws.checksums import (
    ChecksumError,
    Checksummer,
    checksum,
    combine_full_object,
    composite,
)


def _b64(value: int, width: int) -> str:
    return base64.b64encode(value.to_bytes(width, "big")).decode()


@pytest.mark.parametrize(
    ("algorithm", "expected"),
    [
        # Check values from the CRC catalogue (reveng) for the input "123456789".
        ("CRC32", _b64(0xCBF43926, 4)),
        ("CRC32C", _b64(0xE3069283, 4)),
        ("CRC64NVME", _b64(0xAE8B14860A799888, 8)),
        ("SHA1", "98O8HYCOBHMq32eZZczDTKeuNEE="),
        ("SHA256", "FeKw08M4keuw8e9gnsQZQgwg4yDOlMZfvIwzEkSOsiU="),
    ],
)
def test_check_values(algorithm: str, expected: str) -> None:
    assert checksum(algorithm, b"123456789") == expected
    incremental = Checksummer.new(algorithm.lower())
    for byte in b"123456789":
        incremental.update(bytes([byte]))
    assert incremental.b64digest() == expected
    assert incremental.length == 9


def test_hello_world_crc32() -> None:
    assert checksum("CRC32", b"hello world") == "DUoRhQ=="  # 0x0D4A1185


def test_full_object_combine_equals_whole_object() -> None:
    parts = [b"a" * 5_000_000, b"b" * 1234, b"c" * 77]
    for algorithm in ("CRC32", "CRC32C", "CRC64NVME"):
        combined = combine_full_object(algorithm, [(checksum(algorithm, p), len(p)) for p in parts])
        assert combined == checksum(algorithm, b"".join(parts))
    with pytest.raises(ChecksumError):
        combine_full_object("SHA256", [])


def test_composite_has_part_count_suffix() -> None:
    parts = [checksum("CRC32", b"x"), checksum("CRC32", b"y")]
    value = composite("CRC32", parts)
    raw = b"".join(base64.b64decode(p) for p in parts)
    assert value == f"{checksum('CRC32', raw)}-2"


def test_unknown_algorithm() -> None:
    with pytest.raises(ChecksumError):
        Checksummer("CRC16")
