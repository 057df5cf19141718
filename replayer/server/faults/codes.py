"""The throttling and server error codes faults inject, with AWS's status and wording."""

from __future__ import annotations

# code -> (status when the service's model does not say, message as AWS words it).
# S3: https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList
# DynamoDB: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html
# Lambda: https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html#API_Invoke_Errors
# Common: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/CommonErrors.html
FAULT_CODES: dict[str, tuple[int, str]] = {
    "SlowDown": (503, "Please reduce your request rate."),
    "InternalError": (500, "We encountered an internal error. Please try again."),
    "ServiceUnavailable": (503, "Please reduce your request rate."),
    "RequestTimeout": (
        400,
        "Your socket connection to the server was not read from or written to within the "
        "timeout period. Idle connections will be closed.",
    ),
    "ProvisionedThroughputExceededException": (
        400,
        "The level of configured provisioned throughput for the table was exceeded. "
        "Consider increasing your provisioning level with the UpdateTable API.",
    ),
    "ThrottlingException": (400, "Rate of requests exceeds the allowed throughput."),
    "RequestLimitExceeded": (
        400,
        "Throughput exceeds the current throughput limit for your account. Please contact "
        "AWS Support at https://aws.amazon.com/support request a limit increase",
    ),
    "InternalServerError": (500, "Internal server error"),
    "InternalFailure": (
        500,
        "The request processing has failed because of an unknown error, exception or failure.",
    ),
    "TooManyRequestsException": (429, "Rate Exceeded."),
    "ServiceException": (500, "The AWS Lambda service encountered an internal error."),
}
