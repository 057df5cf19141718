"""The one place that touches botocore: its model files, serializers, parsers and signers.

`awsrec serve` must start fast and small: importing botocore.loaders or botocore.model pulls
botocore.utils -> awscrt, urllib3, OpenSSL and cryptography (~0.2-0.5 s, ~40 MB). So what the
serve path needs (operation matchers, error statuses, metadata) is compiled from the model JSON
files read directly (`model_files`, `facts`); botocore's model objects, serializers, parsers and
signers are imported only inside the functions that need them (`objects`, `signing`), which
record, diff and the tests use.
"""

from awsrec.aws.botocore_adapter.facts import (
    OperationFacts,
    ServiceFacts,
    compile_facts,
    enum_values,
    error_members,
    error_statuses,
    http_binding,
    input_bindings,
    is_deprecated,
    is_unsigned,
    metadata,
    operation_names,
    protocol,
    service_facts,
    signing_name,
    static_context_params,
)
from awsrec.aws.botocore_adapter.model_files import (
    BotocoreAdapterError,
    model_file,
    raw_service_model,
)
from awsrec.aws.botocore_adapter.objects import (
    example_params,
    operation_model,
    parse_response,
    serialize_request,
    service_model,
)
from awsrec.aws.botocore_adapter.signing import default_credentials, sign_headers, sigv4_signature

__all__ = [
    "BotocoreAdapterError",
    "OperationFacts",
    "ServiceFacts",
    "compile_facts",
    "default_credentials",
    "enum_values",
    "error_members",
    "error_statuses",
    "example_params",
    "http_binding",
    "input_bindings",
    "is_deprecated",
    "is_unsigned",
    "metadata",
    "model_file",
    "operation_model",
    "operation_names",
    "parse_response",
    "protocol",
    "raw_service_model",
    "serialize_request",
    "service_facts",
    "service_model",
    "sign_headers",
    "signing_name",
    "sigv4_signature",
    "static_context_params",
]
