"""Cassette I/O: awsrec's format vs VCR.py-style YAML, 10,000 interactions, 1 KiB bodies.

awsrec writes a plain msgpack header, then the records as one raw deflate stream sync-flushed
after each record (COMPRESSION_LEVEL in awsrec/cassette_io/limits.py).

Run: python3 benchmarks/cassette_io.py [--count N] [--bodies mixed|binary|xml|all]
Goals: load < 0.5 s, file size <= 50% of the YAML, appends far above 500/s.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import tempfile
import time
from pathlib import Path

import yaml

from awsrec.cassette import CassetteHeader, Interaction, Request, Response
from awsrec.cassette_io import COMPRESSION_LEVEL, CassetteWriter, load_cassette

Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def make_interactions(count: int, bodies: str = "mixed") -> list[Interaction]:
    """S3-shaped exchanges with 1 KiB bodies: random binary, XML, or alternating (mixed)."""
    rng = random.Random(7)
    xml = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws'
        b'.com/doc/2006-03-01/"><Name>bench</Name>'
        + b"".join(b"<Contents><Key>k%05d</Key><Size>1024</Size></Contents>" % n for n in range(16))
    )[:1024]
    out = []
    for n in range(count):
        binary = bodies == "binary" or (bodies == "mixed" and n % 2 == 0)
        body = rng.randbytes(1024) if binary else xml
        request = Request(
            "GET",
            f"/bench/key-{n:05d}" if binary else "/bench",
            query=[] if binary else [("list-type", "2"), ("prefix", "")],
            headers=[
                ("Host", "127.0.0.1:4566"),
                ("User-Agent", "Boto3/1.43.0 md/Botocore#1.43.0 ua/2.1 os/linux"),
                ("X-Amz-Date", "<date>"),
                ("X-Amz-Content-SHA256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca4"),
                ("Authorization", "<redacted>"),
                ("amz-sdk-invocation-id", f"<uuid:{n}>"),
                ("amz-sdk-request", "attempt=1"),
            ],
        )
        response = Response(
            200,
            [
                ("x-amz-request-id", f"<request-id:{n}>"),
                ("x-amz-id-2", f"<request-id-2:{n}>"),
                ("Date", "<date>"),
                ("Content-Type", "application/octet-stream" if binary else "application/xml"),
                ("Content-Length", "1024"),
                ("ETag", '"0f343b0931126a20f133d67c2b018a3b"'),
                ("Server", "AmazonS3"),
            ],
            body,
        )
        op = "GetObject" if binary else "ListObjectsV2"
        out.append(Interaction(n, "s3", op, request, response, elapsed_ms=12.5))
    return out


def vcr_document(interactions: list[Interaction]) -> dict[str, object]:
    """The same data as VCR.py writes it: headers as {name: [values]}, bodies as string/binary."""

    def body(data: bytes) -> object:
        try:
            return {"string": data.decode("utf-8")}
        except UnicodeDecodeError:
            return {"string": data}  # PyYAML writes bytes as !!binary base64, as VCR does

    def headers(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for name, value in pairs:
            out.setdefault(name, []).append(value)
        return out

    items = []
    for i in interactions:
        query = "&".join(f"{k}={v}" for k, v in i.request.query)
        uri = f"http://127.0.0.1:4566{i.request.path}" + (f"?{query}" if query else "")
        items.append(
            {
                "request": {
                    "body": body(i.request.body) if i.request.body else None,
                    "headers": headers(i.request.headers),
                    "method": i.request.method,
                    "uri": uri,
                },
                "response": {
                    "body": body(i.response.body),
                    "headers": headers(i.response.headers),
                    "status": {"code": i.response.status, "message": "OK"},
                },
            }
        )
    return {"interactions": items, "version": 1}


def timed(fn: object) -> float:
    start = time.perf_counter()
    fn()  # type: ignore[operator]
    return time.perf_counter() - start


def run(count: int, bodies: str) -> None:
    interactions = make_interactions(count, bodies)
    header = CassetteHeader("0.1.0", "2026-01-01T00:00:00Z", "bench")
    doc = vcr_document(interactions)
    with tempfile.TemporaryDirectory() as d:
        rec, yml = Path(d) / "bench.awsrec", Path(d) / "bench.yaml"

        def write_awsrec() -> None:
            with CassetteWriter(rec, header) as writer:
                for interaction in interactions:
                    writer.append(interaction)

        def write_yaml() -> None:
            with yml.open("w", encoding="utf-8") as f:
                yaml.dump(doc, f, Dumper=Dumper)

        w_rec, w_yml = timed(write_awsrec), timed(write_yaml)
        l_rec = min(timed(lambda: load_cassette(rec)) for _ in range(3))
        l_yml = timed(lambda: yaml.load(yml.read_text(encoding="utf-8"), Loader=Loader))
        s_rec, s_yml = rec.stat().st_size, yml.stat().st_size
        assert load_cassette(rec).interactions == interactions

    print(f"\n{count} interactions, 1 KiB bodies ({bodies}: random binary and/or XML)")
    print(f"{'':12}{'write s':>10}{'load s':>10}{'size MiB':>10}{'appends/s':>12}")
    for name, w, ld, s in (("awsrec", w_rec, l_rec, s_rec), ("VCR YAML", w_yml, l_yml, s_yml)):
        print(f"{name:12}{w:10.3f}{ld:10.3f}{s / 2**20:10.2f}{count / w:12,.0f}")
    print(f"{'ratio':12}{w_rec / w_yml:10.3f}{l_rec / l_yml:10.3f}{s_rec / s_yml:10.3f}")
    print(
        f"goal load < 0.5 s: {'met' if l_rec < 0.5 else 'MISSED'} ({l_rec:.3f} s); "
        f"goal size <= 50% of YAML: {'met' if s_rec <= s_yml / 2 else 'MISSED'} "
        f"({100 * s_rec / s_yml:.0f}%)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--bodies", choices=("mixed", "binary", "xml", "all"), default="all")
    args = parser.parse_args()
    print(
        f"machine: {platform.platform()}, {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print(f"yaml: {'libyaml (CSafeDumper/CSafeLoader)' if 'C' in Dumper.__name__ else 'pure'}")
    print(f"awsrec: deflate level {COMPRESSION_LEVEL}")
    for bodies in ("mixed", "binary", "xml") if args.bodies == "all" else (args.bodies,):
        run(args.count, bodies)


if __name__ == "__main__":
    main()
