"""Start-up weight: serving S3 never imports botocore's internals, awscrt or the recorder side."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

# Loading these made `awsrec serve` take ~1 s and ~70 MB: botocore.loaders/model pull
# botocore.utils -> awscrt, urllib3, OpenSSL, cryptography.
HEAVY = [
    "botocore.loaders",
    "botocore.model",
    "botocore.session",
    "botocore.utils",
    "awscrt",
    "urllib3",
    "OpenSSL",
    "cryptography",
    "mitmproxy",
    "rich",
    "websockets",
]

SERVE_S3 = textwrap.dedent(
    """
    import asyncio, base64, json, sys, zlib
    from replayer.server.config import ServeConfig
    from replayer.server.run import uvicorn_server
    from replayer.server.app import create_app

    app = create_app(ServeConfig(port=0))
    uvicorn_server(app, ServeConfig(port=0)).config.load()
    AUTH = b"AWS4-HMAC-SHA256 Credential=k/20260101/us-east-1/s3/aws4_request, SignedHeaders=host"
    HEADERS = [(b"host", b"127.0.0.1:4566"), (b"authorization", AUTH + b", Signature=00")]

    async def call(method, path, body=b"", extra=()):
        scope = {"type": "http", "method": method, "path": path, "raw_path": path.encode(),
                 "query_string": b"", "client": ("127.0.0.1", 1),
                 "headers": HEADERS + list(extra) + [
                     (b"content-length", str(len(body)).encode()),
                     (b"x-amz-content-sha256", b"UNSIGNED-PAYLOAD")]}
        sent = []
        async def receive():
            return {"type": "http.request", "body": body, "more_body": False}
        async def send(message):
            sent.append(message)
        await app(scope, receive, send)
        return sent[0]["status"]

    async def main():
        # As boto3 uploads by default: with a CRC32 checksum (base64 of the big-endian CRC).
        crc32 = base64.b64encode(zlib.crc32(b"data").to_bytes(4, "big"))
        checksum = [(b"x-amz-checksum-crc32", crc32), (b"x-amz-sdk-checksum-algorithm", b"CRC32")]
        mode = [(b"x-amz-checksum-mode", b"ENABLED")]
        return [await call("PUT", "/startup-bucket"),
                await call("PUT", "/startup-bucket/k", b"data", checksum),
                await call("GET", "/startup-bucket/k", extra=mode)]

    statuses = asyncio.run(main())
    print(json.dumps({"statuses": statuses, "modules": sorted(sys.modules)}))
    """
)


def test_serving_s3_as_boto3_uses_it_loads_no_botocore_internals_or_awscrt() -> None:
    done = subprocess.run(
        [sys.executable, "-c", SERVE_S3], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.splitlines()[-1])
    assert result["statuses"] == [200, 200, 200]
    modules = set(result["modules"])
    assert "replayer.state.s3" in modules  # the S3 model really served the requests
    loaded = sorted(m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY))
    assert loaded == []
