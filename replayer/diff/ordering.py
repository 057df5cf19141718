"""Lists AWS documents as unordered: sorted canonically on both sides before comparing."""

from __future__ import annotations

import json

from replayer.diff.bodies import Tree

# DynamoDB sets: "The order of the values within a set is not preserved."
# https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html#HowItWorks.DataTypes.SetTypes
SET_TYPES = frozenset({"SS", "NS", "BS"})

# BatchGetItem: "DynamoDB does not return items in any particular order."
# https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchGetItem.html
UNORDERED_MAPS_OF_LISTS: dict[tuple[str, str], str] = {
    ("dynamodb", "BatchGetItem"): "Responses",
}

# Account-wide listings: the target's account holds other resources than the recording
# account did, so an extra entry there is information, not a finding.
ACCOUNT_LISTINGS = frozenset(
    {("s3", "ListBuckets"), ("dynamodb", "ListTables"), ("lambda", "ListFunctions")}
)


def _canonical(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def _sort_sets(node: object) -> object:
    if isinstance(node, dict):
        out: dict[str, object] = {}
        for key, value in node.items():
            if key in SET_TYPES and isinstance(value, list):
                out[key] = sorted(value, key=_canonical)
            else:
                out[key] = _sort_sets(value)
        return out
    if isinstance(node, list):
        return [_sort_sets(v) for v in node]
    return node


def canonical_order(service: str, operation: str, tree: Tree, raw: bytes = b'"SS"') -> Tree:
    """`tree` with the lists AWS documents as unordered sorted canonically.

    `raw` is the body the tree was parsed from: without a set type in it there is no set
    to sort, which spares a walk over every item.
    """
    if service != "dynamodb" or not isinstance(tree, dict):
        return tree
    has_sets = b'"SS"' in raw or b'"NS"' in raw or b'"BS"' in raw
    result = _sort_sets(tree) if has_sets else dict(tree)
    assert isinstance(result, dict)
    field = UNORDERED_MAPS_OF_LISTS.get((service, operation))
    container = result.get(field) if field else None
    if isinstance(container, dict):
        for table, items in container.items():
            if isinstance(items, list):
                container[table] = sorted(items, key=_canonical)
    return result
