"""Service state models: s3, dynamodb, lambda."""
