import boto3


def test_moto_fixture_speaks_s3(moto: str) -> None:
    s3 = boto3.client("s3", endpoint_url=moto)
    s3.create_bucket(Bucket="smoke")
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["smoke"]
