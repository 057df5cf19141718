"""End to end: an S3 workload recorded by `awsrec record` from moto, replayed by `awsrec serve`.

Strict mode must answer every request with the recorded response (equal after normalisation:
status, contract headers, parsed body); the default mode must run the same workload with other
names and contents, and say through `x-awsrec-source` and the journal where answers came from.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from awsrec.aws.protocol import is_contract_header
from awsrec.cassette import Response
from awsrec.normalize import Normaliser
from tests.replayer.conftest import ServeFactory, admin, s3_client
from tests.support.record_replay import (
    Recording,
    Workload,
    assert_strict_replay,
    sources,
)
from tests.support.servers import reset_moto

# The workload runs as its own process (under `awsrec record`, then against `awsrec serve`).
# It checks S3's answers itself; record_replay wraps it with the capture of every
# raw response it parsed.
WORKLOAD = r'''
bucket, p, seed = os.environ["WL_BUCKET"], os.environ["WL_PREFIX"], os.environ["WL_SEED"]

def read(resp):
    """A streamed body, put into the capture too (before-parse only sees the stream)."""
    data = resp["Body"].read()
    captured[-1]["body"] = base64.b64encode(data).decode()
    return data

s3 = boto3.client("s3", config=Config(retries={"max_attempts": 1}, s3={"addressing_style": "path"}))
s3.meta.events.register("before-parse", on_parse)
alpha = f"alpha {seed} ".encode() * 7
beta = f"beta {seed}".encode()

s3.create_bucket(Bucket=bucket)
s3.put_object(Bucket=bucket, Key=f"{p}docs/a.txt", Body=alpha, ContentType="text/plain",
              Metadata={"owner": seed, "purpose": "contract"})
s3.put_object(Bucket=bucket, Key=f"{p}docs/b.txt", Body=beta)
s3.put_object(Bucket=bucket, Key=f"{p}top.txt", Body=b"top")
got = s3.get_object(Bucket=bucket, Key=f"{p}docs/a.txt")
assert read(got) == alpha and got["ContentType"] == "text/plain"
assert got["Metadata"] == {"owner": seed, "purpose": "contract"}, got["Metadata"]
ranged = s3.get_object(Bucket=bucket, Key=f"{p}docs/a.txt", Range="bytes=2-9")
assert read(ranged) == alpha[2:10]
assert ranged["ContentRange"] == f"bytes 2-9/{len(alpha)}", ranged["ContentRange"]
assert s3.head_object(Bucket=bucket, Key=f"{p}docs/b.txt")["ContentLength"] == len(beta)
top = s3.list_objects_v2(Bucket=bucket, Prefix=p, Delimiter="/")
assert [o["Key"] for o in top["Contents"]] == [f"{p}top.txt"], top
assert [c["Prefix"] for c in top["CommonPrefixes"]] == [f"{p}docs/"]
assert top["KeyCount"] == 2
docs = s3.list_objects_v2(Bucket=bucket, Prefix=f"{p}docs/")
assert [o["Key"] for o in docs["Contents"]] == [f"{p}docs/a.txt", f"{p}docs/b.txt"]
s3.copy_object(Bucket=bucket, Key=f"{p}copy.txt",
               CopySource={"Bucket": bucket, "Key": f"{p}docs/a.txt"})
copied = s3.head_object(Bucket=bucket, Key=f"{p}copy.txt")
assert copied["Metadata"] == {"owner": seed, "purpose": "contract"}
assert copied["ContentLength"] == len(alpha)
s3.put_object_tagging(Bucket=bucket, Key=f"{p}docs/a.txt",
                      Tagging={"TagSet": [{"Key": "team", "Value": seed}]})
tags = s3.get_object_tagging(Bucket=bucket, Key=f"{p}docs/a.txt")["TagSet"]
assert tags == [{"Key": "team", "Value": seed}], tags
upload = s3.create_multipart_upload(Bucket=bucket, Key=f"{p}big.bin")["UploadId"]
parts = []
first_part = (seed.encode() * (5 * 1024 * 1024 // len(seed) + 1))[: 5 * 1024 * 1024]
for number, data in ((1, first_part), (2, beta)):
    etag = s3.upload_part(Bucket=bucket, Key=f"{p}big.bin", UploadId=upload,
                          PartNumber=number, Body=data)["ETag"]
    parts.append({"PartNumber": number, "ETag": etag})
s3.complete_multipart_upload(Bucket=bucket, Key=f"{p}big.bin", UploadId=upload,
                             MultipartUpload={"Parts": parts})
big = s3.head_object(Bucket=bucket, Key=f"{p}big.bin")
assert big["ContentLength"] == 5 * 1024 * 1024 + len(beta) and big["ETag"].endswith('-2"')
try:
    s3.get_object(Bucket=bucket, Key=f"{p}missing.txt")
    raise AssertionError("GetObject of a missing key succeeded")
except ClientError as e:
    assert e.response["Error"]["Code"] == "NoSuchKey", e.response
    assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 404
for key in ("docs/a.txt", "docs/b.txt", "top.txt", "copy.txt", "big.bin"):
    s3.delete_object(Bucket=bucket, Key=f"{p}{key}")
s3.delete_bucket(Bucket=bucket)
'''
OPERATIONS = [
    "CreateBucket",
    *["PutObject"] * 3,
    *["GetObject"] * 2,
    "HeadObject",
    *["ListObjectsV2"] * 2,
    "CopyObject",
    "HeadObject",
    "PutObjectTagging",
    "GetObjectTagging",
    "CreateMultipartUpload",
    *["UploadPart"] * 2,
    "CompleteMultipartUpload",
    "HeadObject",
    "GetObject",  # NoSuchKey
    *["DeleteObject"] * 5,
    "DeleteBucket",
]
RECORDED = {"bucket": "rr-contract-bucket", "prefix": "run-1/", "seed": "first"}
_NUMBERED = re.compile(r"<([a-z][a-z0-9-]*):\d+>")
_NUMBERED_XML = re.compile(rb"&lt;([a-z][a-z0-9-]*):\d+&gt;")


WL = Workload(
    WORKLOAD,
    OPERATIONS,
    lambda names: {
        "WL_BUCKET": names["bucket"], "WL_PREFIX": names["prefix"], "WL_SEED": names["seed"]
    },
)  # fmt: skip


@pytest.fixture(scope="module")
def recording(moto_url: str, tmp_path_factory: pytest.TempPathFactory) -> Recording:
    """The workload recorded once from a fresh moto server by the real recorder."""
    reset_moto(moto_url)
    return WL.record(moto_url, tmp_path_factory.mktemp("record"), RECORDED)


def _tree(body: bytes) -> Any:
    """An XML body as a comparable tree (tag, text, children); other bodies as bytes."""
    if not body.lstrip().startswith(b"<"):
        return body

    def walk(el: ET.Element) -> Any:
        tag = el.tag.rsplit("}", 1)[-1]
        return (tag, (el.text or "").strip(), [walk(child) for child in el])

    return walk(ET.fromstring(body))


def _comparable(response: Response, operation: str, normaliser: Normaliser) -> dict[str, Any]:
    """Status, contract headers and parsed body after normalisation.

    Placeholder numbers are dropped: each side numbers its own request ids from 1, and the
    recorder also numbered values it met in requests. An XML body's Content-Length is left
    out (the parsed body is compared, and normalised ids differ in length).
    """
    norm = normaliser.normalise_response("s3", operation, response)
    body = _NUMBERED_XML.sub(rb"&lt;\1&gt;", norm.body)
    xml = body.lstrip().startswith(b"<")
    headers = {
        k.lower(): _NUMBERED.sub(r"<\1>", v)
        for k, v in norm.headers
        if is_contract_header("s3", k) and not (xml and k.lower() == "content-length")
    }
    return {"status": norm.status, "headers": headers, "body": _tree(body)}


# Where moto 5.2's recorded answer contradicts AWS, the server follows AWS. These are those
# places, each with the AWS reference; `_as_aws` applies them to the recorded side.
# Every S3 response carries x-amz-request-id and x-amz-id-2 (moto leaves them out):
# https://docs.aws.amazon.com/AmazonS3/latest/API/RESTCommonResponseHeaders.html
_COMMON = {"x-amz-request-id": "<request-id>", "x-amz-id-2": "<host-id>"}
# Headers moto sends that these operations' responses do not have on AWS: PutObject and
# UploadPart return no Last-Modified (API_PutObject.html, API_UploadPart.html "Response
# Syntax"); CopyObject returns ETag and LastModified in its CopyObjectResult body, not as
# headers (API_CopyObject.html); PutObjectTagging returns only x-amz-version-id
# (API_PutObjectTagging.html); x-amz-version-id comes only from versioning-enabled buckets
# (API_CompleteMultipartUpload.html).
_MOTO_ONLY = {
    "PutObject": {"last-modified"},
    "UploadPart": {"last-modified"},
    "CopyObject": {"etag", "last-modified"},
    "PutObjectTagging": {"x-amz-checksum-crc32"},
    "CompleteMultipartUpload": {"x-amz-version-id"},
}
# Since 2023-01-05 every object is encrypted with SSE-S3 and object responses say so:
# https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingServerSideEncryption.html
_SSE_S3 = {
    "PutObject", "GetObject", "HeadObject", "CopyObject", "CreateMultipartUpload", "UploadPart",
    "CompleteMultipartUpload",
}  # fmt: skip
# An object checksum comes with its type, x-amz-checksum-type / ChecksumType (FULL_OBJECT for
# a single-part upload): API_PutObject.html, API_GetObject.html, API_Object.html,
# API_CopyObjectResult.html.
_CHECKSUM_TYPE_HEADER = {"PutObject", "GetObject", "HeadObject"}


def _as_aws(operation: str, recorded: dict[str, Any]) -> dict[str, Any]:
    """The recorded (moto) answer with moto's documented departures from AWS corrected."""
    headers = {k: v for k, v in recorded["headers"].items()}
    for name in _MOTO_ONLY.get(operation, ()):
        headers.pop(name, None)
    for name, value in _COMMON.items():
        headers.setdefault(name, value)
    if operation in _SSE_S3 and recorded["status"] < 300:
        headers.setdefault("x-amz-server-side-encryption", "AES256")
    if operation in _CHECKSUM_TYPE_HEADER and "x-amz-checksum-crc32" in headers:
        headers.setdefault("x-amz-checksum-type", "FULL_OBJECT")
    return {**recorded, "headers": headers, "body": _body_as_aws(recorded["body"])}


def _body_as_aws(tree: Any) -> Any:
    if not isinstance(tree, tuple):
        return tree
    tag, text, children = tree
    if tag == "CompleteMultipartUploadResponse":
        # AWS's root element is CompleteMultipartUploadResult (API_CompleteMultipartUpload.html).
        tag = "CompleteMultipartUploadResult"
    children = [_body_as_aws(child) for child in children]
    names = [child[0] for child in children]
    checksummed = "ChecksumAlgorithm" in names or "ChecksumCRC32" in names
    if tag in ("Contents", "CopyObjectResult") and checksummed and "ChecksumType" not in names:
        children.append(("ChecksumType", "FULL_OBJECT", []))
    return (tag, text, children)


def _located(tree: Any, key: str) -> Any:
    """A CompleteMultipartUpload result with Location reduced to the key it ends with.

    Location is the object's URL on the endpoint the client used (a virtual-hosted AWS name
    when recording, the loopback server when replaying).
    """
    if not isinstance(tree, tuple) or tree[0] != "CompleteMultipartUploadResult":
        return tree
    tag, text, children = tree
    fixed = []
    for name, value, sub in children:
        if name == "Location":
            assert value.endswith("/" + key), value
            value = key
        fixed.append((name, value, sub))
    return (tag, text, fixed)


_BIG_KEY = RECORDED["prefix"] + "big.bin"


def _located_comparable(response: Response, operation: str, normaliser: Normaliser) -> Any:
    """The live side: comparable, with a multipart Location reduced to its key."""
    got = _comparable(response, operation, normaliser)
    return {**got, "body": _located(got["body"], _BIG_KEY)}


def _recorded_as_aws(response: Response, operation: str, normaliser: Normaliser) -> Any:
    """The recorded side: comparable, moto's departures corrected, Location reduced."""
    want = _as_aws(operation, _comparable(response, operation, normaliser))
    return {**want, "body": _located(want["body"], _BIG_KEY)}


def test_strict_replay_answers_every_request_with_the_recorded_response(
    recording: Recording, serve_factory: ServeFactory, tmp_path: Path
) -> None:
    server = serve_factory(cassettes=[recording.path], strict=True)
    captured = WL.run(tmp_path, RECORDED, server.url)
    assert_strict_replay(server.url, recording, captured, _located_comparable, _recorded_as_aws)


def test_default_mode_runs_the_workload_with_other_names_and_contents(
    recording: Recording, serve_factory: ServeFactory, tmp_path: Path
) -> None:
    server = serve_factory(cassettes=[recording.path])
    other = {"bucket": "rr-other-bucket", "prefix": "elsewhere/deeper/", "seed": "second-run"}
    captured = WL.run(tmp_path, other, server.url)
    assert [c["operation"] for c in captured] == OPERATIONS
    # Every operation of the workload was recorded with the same outcome: the model decides
    # and the recording gives the form.
    assert sources(captured) == ["recording"] * len(OPERATIONS)
    # Operations and outcomes the cassette never saw are answered by the model alone.
    s3 = s3_client(server.url)
    listed = s3.list_buckets()
    assert listed["ResponseMetadata"]["HTTPHeaders"]["x-awsrec-source"] == "model"
    with pytest.raises(ClientError) as info:
        s3.get_object(Bucket="rr-no-such-bucket", Key="k")
    # https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList
    assert info.value.response["Error"]["Code"] == "NoSuchBucket"
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert info.value.response["ResponseMetadata"]["HTTPHeaders"]["x-awsrec-source"] == "model"
    status, journal = admin(server.url, "journal")
    assert status == 200
    assert [(e["operation"], e["source"]) for e in journal] == [
        *[(op, "recording") for op in OPERATIONS],
        ("ListBuckets", "model"),
        ("GetObject", "model"),
    ]
    assert journal[-1]["outcome"] == "NoSuchBucket"
