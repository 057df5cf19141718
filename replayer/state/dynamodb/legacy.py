"""Legacy parameters (Expected, AttributeUpdates, KeyConditions, ...) rewritten as expressions.

One engine evaluates both; see
https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/LegacyConditionalParameters.html
"""

from __future__ import annotations

from replayer.state.dynamodb.errors import validation
from replayer.state.dynamodb.store import Doc
from replayer.state.dynamodb.types import AV

LEGACY = {
    "AttributesToGet": "ProjectionExpression",
    "Expected": "ConditionExpression",
    "AttributeUpdates": "UpdateExpression",
    "KeyConditions": "KeyConditionExpression",
    "QueryFilter": "FilterExpression",
    "ScanFilter": "FilterExpression",
}
EXPRESSIONS = (
    "ProjectionExpression",
    "ConditionExpression",
    "UpdateExpression",
    "KeyConditionExpression",
    "FilterExpression",
)
BINARY = {"EQ": "=", "NE": "<>", "LE": "<=", "LT": "<", "GE": ">=", "GT": ">"}


class _Builder:
    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        self.values: dict[str, AV] = {}

    def name(self, attr: str) -> str:
        key = f"#legacy{len(self.names)}"
        self.names[key] = attr
        return key

    def value(self, av: AV) -> str:
        key = f":legacy{len(self.values)}"
        self.values[key] = av
        return key

    def condition(self, attr: str, spec: Doc) -> str:
        n = self.name(attr)
        op = spec.get("ComparisonOperator")
        vals = spec.get("AttributeValueList", [])
        if op is None:  # Expected's older form: Value and/or Exists
            if spec.get("Exists", True) is False:
                return f"attribute_not_exists({n})"
            if "Value" in spec:
                return f"{n} = {self.value(spec['Value'])}"
            return f"attribute_exists({n})"
        if op in BINARY:
            return f"{n} {BINARY[op]} {self.value(vals[0])}"
        if op == "NOT_NULL":
            return f"attribute_exists({n})"
        if op == "NULL":
            return f"attribute_not_exists({n})"
        if op == "CONTAINS":
            return f"contains({n}, {self.value(vals[0])})"
        if op == "NOT_CONTAINS":
            return f"NOT contains({n}, {self.value(vals[0])})"
        if op == "BEGINS_WITH":
            return f"begins_with({n}, {self.value(vals[0])})"
        if op == "IN":
            return f"{n} IN ({', '.join(self.value(v) for v in vals)})"
        if op == "BETWEEN":
            return f"{n} BETWEEN {self.value(vals[0])} AND {self.value(vals[1])}"
        raise validation(
            f"1 validation error detected: Value '{op}' at 'comparisonOperator' failed to satisfy "
            "constraint: Member must satisfy enum value set: "
            "[IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, GE, "
            "CONTAINS]"
        )

    def conditions(self, specs: Doc, joiner: str) -> str:
        return f" {joiner} ".join(self.condition(a, s) for a, s in specs.items())

    def update(self, specs: Doc) -> str:
        sections: dict[str, list[str]] = {"SET": [], "REMOVE": [], "ADD": [], "DELETE": []}
        for attr, spec in specs.items():
            action = spec.get("Action", "PUT")
            n = self.name(attr)
            if action == "PUT":
                sections["SET"].append(f"{n} = {self.value(spec['Value'])}")
            elif action == "ADD":
                sections["ADD"].append(f"{n} {self.value(spec['Value'])}")
            elif "Value" in spec:
                sections["DELETE"].append(f"{n} {self.value(spec['Value'])}")
            else:
                sections["REMOVE"].append(n)
        return " ".join(f"{k} {', '.join(v)}" for k, v in sections.items() if v)


def translate(body: Doc, op: str) -> Doc:
    """`body` with legacy parameters replaced by the equivalent expressions."""
    legacy = [k for k in LEGACY if k in body]
    if not legacy:
        return body
    modern = [k for k in EXPRESSIONS if k in body]
    if modern:
        raise validation(
            "Can not use both expression and non-expression parameters in the same request: "
            f"Non-expression parameters: {{{', '.join(legacy)}}} "
            f"Expression parameters: {{{', '.join(modern)}}}"
        )
    b = _Builder()
    out = dict(body)
    joiner = body.get("ConditionalOperator", "AND")
    for k in legacy:
        spec = out.pop(k)
        if k == "AttributesToGet":
            out["ProjectionExpression"] = ", ".join(b.name(a) for a in spec)
        elif k == "AttributeUpdates":
            if text := b.update(spec):
                out["UpdateExpression"] = text
        elif k == "KeyConditions":
            out["KeyConditionExpression"] = b.conditions(spec, "AND")
        elif spec:
            out[LEGACY[k]] = b.conditions(spec, joiner)
    out.pop("ConditionalOperator", None)
    if b.names:
        out["ExpressionAttributeNames"] = b.names
    if b.values:
        out["ExpressionAttributeValues"] = b.values
    return out
