from __future__ import annotations

from tests.replayer.conftest import ServeFactory, sts_client


def test_get_caller_identity_answers_default_account(served: str) -> None:
    # https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
    ident = sts_client(served).get_caller_identity()
    assert ident["Account"] == "000000000000"
    assert ident["Arn"] == "arn:aws:iam::000000000000:user/awsrec"
    assert ident["UserId"].startswith("AIDA")
    assert len(ident["UserId"]) == 21
    assert ident["ResponseMetadata"]["HTTPHeaders"]["x-awsrec-source"] == "model"
    assert len(ident["ResponseMetadata"]["RequestId"]) == 36


def test_get_caller_identity_answers_configured_account(serve_factory: ServeFactory) -> None:
    server = serve_factory(account="123456789012")
    ident = sts_client(server.url).get_caller_identity()
    assert ident["Account"] == "123456789012"
    assert ident["Arn"] == "arn:aws:iam::123456789012:user/awsrec"
