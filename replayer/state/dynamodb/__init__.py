"""The DynamoDB state model for `awsrec serve`, with a complete expression engine."""

from replayer.state.dynamodb.model import DynamoDBModel

__all__ = ["DynamoDBModel"]
