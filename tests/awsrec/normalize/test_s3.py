from __future__ import annotations

import xml.etree.ElementTree as ET

from awsrec.cassette import Interaction, Request, Response
from awsrec.normalize import Normaliser
from tests.awsrec.normalize.wire import client

NS = "{http://s3.amazonaws.com/doc/2006-03-01/}"


def _one(
    operation: str, body: bytes, status: int = 200, headers: list | None = None
) -> Interaction:
    return Interaction(
        0, "s3", operation, Request("GET", "/bucket-one/k"), Response(status, headers or [], body)
    )


def test_list_objects_v2_from_a_real_exchange(moto: str) -> None:
    s3, rec = client("s3", moto)
    s3.create_bucket(Bucket="bucket-one")
    s3.put_object(Bucket="bucket-one", Key="a&b.txt", Body=b"hello")
    s3.list_objects_v2(Bucket="bucket-one")
    listing = rec.interactions[-1]
    original = ET.fromstring(listing.response.body)

    n = Normaliser()
    out = n.normalise(listing)

    assert out.request.header("Authorization") == "<redacted>"
    assert out.request.header("X-Amz-Date") == "<date>"
    assert out.request.header("amz-sdk-invocation-id") == "<uuid:1>"
    assert out.response.header("Date") == "<date>"
    assert out.response.header("x-amzn-RequestId") == "<request-id:1>"
    tree = ET.fromstring(out.response.body)  # still well-formed
    assert tree.findtext(f"{NS}Contents/{NS}LastModified") == "<timestamp:iso8601-ms>"
    # State stays: key (escaped in XML), ETag, size.
    for tag in ("Key", "ETag", "Size", "StorageClass"):
        assert tree.findtext(f"{NS}Contents/{NS}{tag}") == original.findtext(
            f"{NS}Contents/{NS}{tag}"
        )
    stamp = original.findtext(f"{NS}Contents/{NS}LastModified")
    assert stamp
    # Byte for byte the recorded layout, but for the one volatile value.
    assert out.response.body == listing.response.body.replace(
        stamp.encode(), b"&lt;timestamp:iso8601-ms&gt;"
    )
    assert out.response.header("Content-Length") == str(len(out.response.body))
    assert "<timestamp:iso8601-ms>" in out.placeholders
    assert n.rule_set_versions() == {"common": "2", "s3": "1"}
    # The input is left as it was.
    assert listing.request.header("Authorization", "").startswith("AWS4-HMAC-SHA256")


# https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html (sample error response)
AWS_NO_SUCH_KEY = b"""<?xml version="1.0" encoding="UTF-8"?>
<Error>
  <Code>NoSuchKey</Code>
  <Message>The resource you requested does not exist</Message>
  <Resource>/mybucket/myfoto.jpg</Resource>
  <RequestId>4442587FB7D0A2F9</RequestId>
  <HostId>eftixk72aD6Ap51TnqcoF8eFidJG9Z/2mkiDFu8yU9AS1ed4OpIszj7UDNEHGran</HostId>
</Error>"""


def test_s3_error_ids_match_the_header_ids() -> None:
    host_id = "eftixk72aD6Ap51TnqcoF8eFidJG9Z/2mkiDFu8yU9AS1ed4OpIszj7UDNEHGran"
    headers = [("x-amz-request-id", "4442587FB7D0A2F9"), ("x-amz-id-2", host_id)]
    out = Normaliser().normalise(_one("GetObject", AWS_NO_SUCH_KEY, 404, headers))
    # GetObject's body is opaque only when it is the object: an error is normalised.
    assert out.response.headers == [
        ("x-amz-request-id", "<request-id:1>"),
        ("x-amz-id-2", "<host-id:1>"),
    ]
    expected = AWS_NO_SUCH_KEY.replace(b"4442587FB7D0A2F9", b"&lt;request-id:1&gt;").replace(
        host_id.encode(), b"&lt;host-id:1&gt;"
    )
    assert out.response.body == expected  # layout, whitespace and declaration kept


def test_signature_errors_do_not_echo_credentials() -> None:
    # SignatureDoesNotMatch echoes the access key and what was signed.
    # https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-authenticating-requests.html
    body = (
        b"<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated"
        b" does not match the signature you provided.</Message>"
        b"<AWSAccessKeyId>AKIAIOSFODNN7EXAMPLE</AWSAccessKeyId>"
        b"<StringToSign>AWS4-HMAC-SHA256\n20130524T000000Z</StringToSign>"
        b"<SignatureProvided>aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
        b"</SignatureProvided><StringToSignBytes>41 57 53</StringToSignBytes>"
        b"<CanonicalRequest>GET\n/</CanonicalRequest><CanonicalRequestBytes>47 45 54"
        b"</CanonicalRequestBytes><RequestId>R1</RequestId><HostId>H1</HostId></Error>"
    )
    out = Normaliser().normalise(_one("ListBuckets", body, 403)).response.body
    tree = ET.fromstring(out)
    for tag in ("AWSAccessKeyId", "StringToSign", "SignatureProvided", "CanonicalRequest"):
        assert tree.findtext(tag) == "<redacted>"
    assert b"AKIAIOSFODNN7EXAMPLE" not in out
    assert tree.findtext("Code") == "SignatureDoesNotMatch"


def test_object_data_is_never_rewritten(moto: str) -> None:
    data = b'{"arn": "arn:aws:iam::123456789012:role/x", "LastModified": "2024-01-01T00:00:00Z"}'
    s3, rec = client("s3", moto)
    s3.create_bucket(Bucket="bucket-two")
    s3.put_object(Bucket="bucket-two", Key="k.json", Body=data)
    n = Normaliser()
    put = n.normalise(rec.interactions[-1])
    assert put.request.body == data
    # The checksum headers still describe the body that is stored.
    assert put.request.header("x-amz-checksum-crc32") == rec.interactions[-1].request.header(
        "x-amz-checksum-crc32"
    )
    got = n.normalise(_one("GetObject", data))
    assert got.response.body == data


def test_multipart_upload_id_is_one_placeholder_throughout(moto: str) -> None:
    s3, rec = client("s3", moto)
    s3.create_bucket(Bucket="bucket-three")
    upload = s3.create_multipart_upload(Bucket="bucket-three", Key="big")["UploadId"]
    s3.upload_part(Bucket="bucket-three", Key="big", UploadId=upload, PartNumber=1, Body=b"x")
    s3.abort_multipart_upload(Bucket="bucket-three", Key="big", UploadId=upload)
    n = Normaliser()
    create, part, abort = (n.normalise(i) for i in rec.interactions[1:])
    assert ET.fromstring(create.response.body).findtext(f"{NS}UploadId") == "<upload-id:1>"
    assert ("uploadId", "<upload-id:1>") in part.request.query
    assert ("uploadId", "<upload-id:1>") in abort.request.query
    assert part.request.body == b"x"
    assert n.table.to_dict()["<upload-id:1>"] == "upload-id"
    assert upload not in repr(n.table.to_dict())


def test_version_ids_map_and_null_is_kept() -> None:
    n = Normaliser()
    put = n.normalise(
        _one("PutObject", b"", headers=[("x-amz-version-id", "3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY")])
    )
    get = Interaction(
        1,
        "s3",
        "GetObject",
        Request("GET", "/b/k", [("versionId", "3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY")]),
        Response(200, [("x-amz-version-id", "3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY")]),
    )
    unversioned = n.normalise(_one("PutObject", b"", headers=[("x-amz-version-id", "null")]))
    got = n.normalise(get)
    assert put.response.header("x-amz-version-id") == "<version-id:1>"
    assert got.request.query == [("versionId", "<version-id:1>")]
    assert got.response.header("x-amz-version-id") == "<version-id:1>"
    assert unversioned.response.header("x-amz-version-id") == "null"


def test_last_modified_header_keeps_its_format() -> None:
    out = Normaliser().normalise(
        _one("HeadObject", b"", headers=[("Last-Modified", "Wed, 12 Oct 2009 17:50:00 GMT")])
    )
    assert out.response.header("Last-Modified") == "<timestamp:http>"
