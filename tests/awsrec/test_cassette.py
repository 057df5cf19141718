"""The v1 codec: model <-> msgpack maps, round trips, type validation and the golden file."""

from __future__ import annotations

import tempfile
from pathlib import Path

import msgpack
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from awsrec.cassette import (
    Cassette,
    CassetteHeader,
    Interaction,
    Request,
    Response,
    decode_interaction,
    encode_interaction,
)
from awsrec.cassette_io import dump_cassette, load_cassette
from awsrec.errors import CassetteFormatError

DATA = Path(__file__).parent.parent / "data"
GOLDEN = DATA / "cassette_v1.awsrec"

LIST_BUCKET = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/'
    b'doc/2006-03-01/"><Name>my-bucket</Name><Prefix></Prefix><KeyCount>1</KeyCount><MaxKeys>1000'
    b"</MaxKeys><IsTruncated>false</IsTruncated><Contents><Key>hello.txt</Key><Size>11</Size>"
    b"</Contents></ListBucketResult>"
)


def sample_cassette() -> Cassette:
    """A small cassette shaped like real S3, DynamoDB and Lambda exchanges."""
    rid = [("x-amz-request-id", "<request-id:1>"), ("Date", "<date>")]
    return Cassette(
        header=CassetteHeader(
            awsrec_version="0.1.0",
            recorded_at="2026-01-02T03:04:05Z",
            upstream="moto-server 5.2.1",
            region="eu-west-1",
            placeholders={"<account>": "000000000000"},
            rule_sets={"s3": "1", "dynamodb": "1"},
        ),
        interactions=[
            Interaction(
                seq=1,
                service="s3",
                operation="PutObject",
                request=Request(
                    "PUT",
                    "/my-bucket/blob.bin",
                    headers=[
                        ("Content-Type", "application/octet-stream"),
                        ("x-amz-meta-ünï", "çå"),
                    ],
                    body=bytes(range(256)),
                ),
                response=Response(200, [*rid, ("ETag", '"e2fc714c4727ee9395f324cd2e7f331f"')]),
                elapsed_ms=12.5,
                placeholders=["<request-id:1>", "<date>"],
                flags={"addressing": "virtual"},
            ),
            Interaction(
                seq=2,
                service="s3",
                operation="ListObjectsV2",
                request=Request("GET", "/my-bucket", query=[("list-type", "2"), ("prefix", "")]),
                response=Response(200, [*rid, ("Content-Type", "application/xml")], LIST_BUCKET),
                elapsed_ms=3.0,
            ),
            Interaction(
                seq=3,
                service="dynamodb",
                operation="GetItem",
                request=Request(
                    "POST",
                    "/",
                    headers=[
                        ("Content-Type", "application/x-amz-json-1.0"),
                        ("X-Amz-Target", "DynamoDB_20120810.GetItem"),
                    ],
                    body=b'{"TableName":"t","Key":{"pk":{"S":"a"}}}',
                ),
                response=Response(
                    400,
                    [("Content-Type", "application/x-amz-json-1.0")],
                    b'{"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException",'
                    b'"message":"Requested resource not found"}',
                ),
            ),
            Interaction(
                seq=4,
                service="lambda",
                operation="Invoke",
                request=Request("POST", "/2015-03-31/functions/f/invocations", body=b""),
                response=Response(200, [("Content-Type", "text/plain")], "héllo\nwörld\n".encode()),
                elapsed_ms=100.25,
            ),
        ],
    )


def test_golden_file_decodes_to_the_sample() -> None:
    # Guards the on-disk format: changing how v1 is written breaks every shipped cassette.
    assert load_cassette(GOLDEN) == sample_cassette()


def test_sample_encodes_to_the_golden_bytes(tmp_path: Path) -> None:
    dump_cassette(tmp_path / "c.awsrec", sample_cassette())
    assert (tmp_path / "c.awsrec").read_bytes() == GOLDEN.read_bytes()


def test_golden_header_carries_marker_and_format() -> None:
    header = next(iter(msgpack.Unpacker(GOLDEN.open("rb"), raw=False)))
    assert header["awsrec"] == "cassette"
    assert header["format"] == 1


def test_bodies_are_msgpack_bin_and_pairs_flat() -> None:
    record = msgpack.packb(encode_interaction(sample_cassette().interactions[0]))
    raw = msgpack.unpackb(record, raw=True)
    assert isinstance(raw[b"request"][b"body"], bytes)
    assert raw[b"response"][b"body"] == b""
    # bin family (0xc4-0xc6) is used for bodies, never str: an empty body is c4 00
    assert b"\xa4body\xc4\x00" in record
    assert raw[b"request"][b"headers"][:2] == [b"Content-Type", b"application/octet-stream"]


text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)
pairs = st.lists(st.tuples(text, text), max_size=6)
flag_values = st.one_of(st.none(), st.booleans(), st.integers(-(2**63), 2**64 - 1), text)
interactions = st.builds(
    Interaction,
    seq=st.integers(0, 2**63 - 1),
    service=text,
    operation=text,
    request=st.builds(
        Request,
        method=text,
        path=text,
        query=pairs,
        headers=pairs,
        body=st.binary(max_size=300) | st.just(b""),
    ),
    response=st.builds(
        Response, status=st.integers(100, 599), headers=pairs, body=st.binary(max_size=300)
    ),
    elapsed_ms=st.floats(allow_nan=False),
    placeholders=st.lists(text, max_size=4),
    flags=st.dictionaries(text, flag_values, max_size=3),
)
headers = st.builds(
    CassetteHeader,
    awsrec_version=text,
    recorded_at=text,
    upstream=text,
    region=text,
    placeholders=st.dictionaries(text, text, max_size=5),
    rule_sets=st.dictionaries(text, text, max_size=3),
)


@given(interactions)
def test_interaction_map_round_trip(interaction: Interaction) -> None:
    packed = msgpack.packb(encode_interaction(interaction))
    assert decode_interaction(msgpack.unpackb(packed, raw=False)) == interaction


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(headers, st.lists(interactions, max_size=40))
def test_file_round_trip(header: CassetteHeader, items: list[Interaction]) -> None:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "c.awsrec"
        dump_cassette(path, Cassette(header, items))
        assert load_cassette(path) == Cassette(header, items)


def _bad(mutate: str) -> dict[str, object]:
    m = encode_interaction(sample_cassette().interactions[0])
    exec(mutate, {"m": m})  # a table of one-line mutations reads better than 11 functions
    return m


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        ("del m['seq']", "interaction has no 'seq'"),
        ("m['seq'] = True", "interaction.seq is bool, expected int"),
        ("m['service'] = b's3'", "interaction.service is bytes, expected str"),
        ("m['request']['body'] = 'text'", "request.body is str, expected bytes"),
        ("m['request']['headers'] = ['a']", "request.headers has an odd number of items"),
        ("m['request']['headers'][1] = 5", "request.headers[1] is int, expected str"),
        ("m['response']['status'] = '200'", "response.status is str, expected int"),
        ("m['response'] = []", "interaction.response is list, expected dict"),
        ("m['elapsed_ms'] = None", "interaction.elapsed_ms is nil, expected a number"),
        ("m['placeholders'] = [1]", "interaction.placeholders[0] is int, expected str"),
        ("m['flags'] = {b'k': 1}", "interaction.flags has a non-str key"),
    ],
)
def test_decode_rejects_wrong_types(mutate: str, message: str) -> None:
    packed = msgpack.packb(_bad(mutate))
    with pytest.raises(CassetteFormatError, match=message.replace("[", r"\[").replace("]", r"\]")):
        decode_interaction(msgpack.unpackb(packed, raw=False, strict_map_key=False))


def test_unknown_keys_are_ignored_for_forward_compatibility() -> None:
    m = encode_interaction(sample_cassette().interactions[0])
    m["added_in_1_1"] = [1, 2]
    assert decode_interaction(m) == sample_cassette().interactions[0]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("headers", [("a", 1)], "not a \\(str, str\\) pair"),
        ("headers", [("a", "b", "c")], "is not a \\(name, value\\) pair"),
        ("body", "text", "request.body is str, expected bytes"),
        ("method", None, "request.method is nil, expected str"),
    ],
)
def test_encode_refuses_what_could_not_be_read_back(
    field: str, value: object, message: str
) -> None:
    interaction = sample_cassette().interactions[0]
    setattr(interaction.request, field, value)
    with pytest.raises(CassetteFormatError, match=message):
        encode_interaction(interaction)
