"""S3's errors with AWS's exact codes, wording, status and detail elements.

Wording follows the S3 API reference's error list
(https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList) and
what S3 answers on the wire where the list is silent.
"""

from __future__ import annotations

from awsrec.aws.errors import AwsError as AwsError

MIN_PART_SIZE = 5 * 1024 * 1024


def _err(code: str, message: str, status: int, **extra: str | int) -> AwsError:
    return AwsError(code, message, status=status, extra={k: str(v) for k, v in extra.items()})


def no_such_bucket(bucket: str) -> AwsError:
    return _err("NoSuchBucket", "The specified bucket does not exist", 404, BucketName=bucket)


def no_such_key(key: str) -> AwsError:
    return _err("NoSuchKey", "The specified key does not exist.", 404, Key=key)


def no_such_upload(upload_id: str) -> AwsError:
    return _err(
        "NoSuchUpload",
        "The specified upload does not exist. The upload ID may be invalid, or the upload may "
        "have been aborted or completed.",
        404,
        UploadId=upload_id,
    )


def bucket_already_owned(bucket: str) -> AwsError:
    return _err(
        "BucketAlreadyOwnedByYou",
        "Your previous request to create the named bucket succeeded and you already own it.",
        409,
        BucketName=bucket,
    )


def invalid_bucket_name(bucket: str) -> AwsError:
    return _err("InvalidBucketName", "The specified bucket is not valid.", 400, BucketName=bucket)


def bucket_not_empty(bucket: str) -> AwsError:
    return _err(
        "BucketNotEmpty", "The bucket you tried to delete is not empty", 409, BucketName=bucket
    )


def invalid_location_constraint(constraint: str) -> AwsError:
    return _err(
        "InvalidLocationConstraint",
        "The specified location-constraint is not valid",
        400,
        LocationConstraint=constraint,
    )


def illegal_location_constraint(constraint: str | None) -> AwsError:
    # A regional endpoint only creates buckets in its own region.
    shown = constraint if constraint else "unspecified"
    return _err(
        "IllegalLocationConstraintException",
        f"The {shown} location constraint is incompatible for the region specific endpoint "
        "this request was sent to.",
        400,
    )


def invalid_range(requested: str, size: int) -> AwsError:
    return _err(
        "InvalidRange",
        "The requested range is not satisfiable",
        416,
        RangeRequested=requested,
        ActualObjectSize=size,
    )


def precondition_failed(condition: str) -> AwsError:
    return _err(
        "PreconditionFailed",
        "At least one of the pre-conditions you specified did not hold",
        412,
        Condition=condition,
    )


def entity_too_small(size: int, part_number: int, etag: str) -> AwsError:
    return _err(
        "EntityTooSmall",
        "Your proposed upload is smaller than the minimum allowed object size.",
        400,
        ProposedSize=size,
        MinSizeAllowed=MIN_PART_SIZE,
        PartNumber=part_number,
        ETag=etag,
    )


def invalid_part(upload_id: str, part_number: int, etag: str) -> AwsError:
    return _err(
        "InvalidPart",
        "One or more of the specified parts could not be found.  The part may not have been "
        "uploaded, or the specified entity tag may not match the part's entity tag.",
        400,
        UploadId=upload_id,
        PartNumber=part_number,
        ETag=etag,
    )


def invalid_part_order(upload_id: str) -> AwsError:
    return _err(
        "InvalidPartOrder",
        "The list of parts was not in ascending order. The parts list must be specified in "
        "order by part number.",
        400,
        UploadId=upload_id,
    )


def malformed_xml() -> AwsError:
    return _err(
        "MalformedXML",
        "The XML you provided was not well-formed or did not validate against our published schema",
        400,
    )


def bad_digest_md5(expected: str, calculated: str) -> AwsError:
    return _err(
        "BadDigest",
        "The Content-MD5 you specified did not match what we received.",
        400,
        ExpectedDigest=expected,
        CalculatedDigest=calculated,
    )


def invalid_digest(given: str) -> AwsError:
    return _err(
        "InvalidDigest", "The Content-MD5 you specified was invalid.", 400, **{"Content-MD5": given}
    )


def bad_checksum(algorithm: str) -> AwsError:
    # A flexible-checksum mismatch is BadDigest naming the algorithm; XAmzContentChecksumMismatch
    # is only for x-amz-content-sha256.
    return _err(
        "BadDigest", f"The {algorithm} you specified did not match the calculated checksum.", 400
    )


def invalid_request(message: str) -> AwsError:
    return _err("InvalidRequest", message, 400)


def invalid_argument(message: str, name: str, value: str) -> AwsError:
    return _err("InvalidArgument", message, 400, ArgumentName=name, ArgumentValue=value)


def not_implemented_header(header: str) -> AwsError:
    return _err(
        "NotImplemented",
        "A header you provided implies functionality that is not implemented",
        501,
        Header=header,
    )


def invalid_tag(message: str) -> AwsError:
    return _err("InvalidTag", message, 400)


def key_too_long(size: int) -> AwsError:
    return _err("KeyTooLongError", "Your key is too long", 400, MaxSizeAllowed=1024, Size=size)


def copy_to_itself() -> AwsError:
    return invalid_request(
        "This copy request is illegal because it is trying to copy an object to itself without "
        "changing the object's metadata, storage class, website redirect location or "
        "encryption attributes."
    )


def entity_too_large(size: int, limit: int) -> AwsError:
    return _err(
        "EntityTooLarge",
        "Your proposed upload exceeds the maximum allowed size",
        400,
        ProposedSize=size,
        MaxSizeAllowed=limit,
    )


def incomplete_body() -> AwsError:
    return _err(
        "IncompleteBody",
        "The request body terminated unexpectedly",
        400,
    )


def too_many_tags() -> AwsError:
    return _err("BadRequest", "Object tags cannot be greater than 10", 400)
