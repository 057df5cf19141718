"""Real boto3 clients send every operation over loopback HTTP to a probe server that runs
awsrec.aws on the wire request and answers with an awsrec-rendered AWS error."""

from __future__ import annotations

import pytest
from botocore import xform_name
from botocore.exceptions import ClientError

from awsrec.aws import botocore_adapter
from tests.awsrec.aws.conftest import client
from tests.awsrec.aws.probe import PROBE_CODE, _ProbeServer
from tests.awsrec.aws.test_operations import _expected


def _call_all(service: str, probe: _ProbeServer, *, virtual: bool) -> int:
    c = client(service, probe, virtual=virtual)
    names = botocore_adapter.operation_names(service)
    probe.take()
    for op in names:
        params = botocore_adapter.example_params(service, op)
        with pytest.raises(ClientError) as info:
            getattr(c, xform_name(op))(**params)
        error = info.value.response["Error"]
        seen = probe.take()
        if seen[0].method == "HEAD":
            # botocore's S3 region-redirect handler follows a bodiless 400 with HeadBucket.
            seen = seen[:1]
        assert len(seen) == 1, (op, [s.operation for s in seen])
        s = seen[0]
        expected = _expected(service, op)
        if s.host.startswith("s3express-control."):
            expected = op  # the host tells ListDirectoryBuckets from ListBuckets
        assert (s.service, s.operation) == (service, expected), (op, s)
        if botocore_adapter.is_unsigned(service, op):
            assert (s.region, s.signature_ok) == (None, False)  # host 127.0.0.1, no scope
        else:
            assert s.region == "us-east-1"
            assert s.signature_ok, (op, s.method, s.raw_path, s.headers)
        if s.method != "HEAD":
            assert error["Code"] == PROBE_CODE
            assert error["Message"] == f"{service}:{expected}"
            assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return len(names)


@pytest.mark.parametrize("service", ["s3", "dynamodb", "lambda", "sts"])
def test_every_operation_over_the_wire(service: str, probe: _ProbeServer) -> None:
    n = _call_all(service, probe, virtual=False)
    print(f"identified {n} {service} operations sent by boto3")


def test_every_s3_operation_virtual_hosted_over_the_wire(probe: _ProbeServer) -> None:
    n = _call_all("s3", probe, virtual=True)
    print(f"identified {n} s3 operations sent by boto3 with virtual-hosted addressing")
