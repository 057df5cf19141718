"""DynamoDBModel: the DynamoDB state model the serve machinery plugs in."""

from __future__ import annotations

from replayer.state.dynamodb.batch import BatchOps
from replayer.state.dynamodb.items import ItemOps
from replayer.state.dynamodb.partiql import PartiQLOps
from replayer.state.dynamodb.query import QueryOps
from replayer.state.dynamodb.table_settings import TableSettingsOps
from replayer.state.dynamodb.transactions import TransactionOps


class DynamoDBModel(TableSettingsOps, ItemOps, QueryOps, BatchOps, TransactionOps, PartiQLOps):
    """Tables, items, indexes, expressions, batches, transactions and PartiQL."""

    service = "dynamodb"
