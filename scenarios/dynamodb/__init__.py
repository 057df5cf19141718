"""DynamoDB scenarios: conditions, updates, validation, queries, batches, transactions, numbers."""
