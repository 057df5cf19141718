"""DynamoDB number scenarios: 38-digit precision, magnitude limits, normalised forms."""

from __future__ import annotations

from scenarios.context import Ctx
from scenarios.dynamodb.common import n, s, table
from scenarios.registry import scenario

# https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html#HowItWorks.DataTypes.Number
NUMBERS = (
    "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/"
    "HowItWorks.NamingRulesDataTypes.html#HowItWorks.DataTypes.Number"
)
VE = "ValidationException"


def _round_trip(ctx: Ctx, values: list[str], expect: str = "ok") -> None:
    name = table(ctx)
    item = {"pk": s("num"), **{f"n{i}": n(v) for i, v in enumerate(values)}}
    ctx.call(ctx.ddb.put_item, TableName=name, Item=item, expect=expect, ref=NUMBERS)
    ctx.call(ctx.ddb.get_item, TableName=name, Key={"pk": s("num")}, ConsistentRead=True)


def _digits(ctx: Ctx, count: int) -> str:
    return str(ctx.rng.randrange(1, 10)) + "".join(
        str(ctx.rng.randrange(10)) for _ in range(count - 1)
    )


@scenario("dynamodb", "numbers", cases=3)
def precision_38(ctx: Ctx) -> None:
    """Numbers with 38 significant digits (seeded), as integers and decimals, round-trip exactly."""
    digits = _digits(ctx, 38)
    point = ctx.rng.randrange(1, 38)
    _round_trip(ctx, [digits, f"-{digits[:point]}.{digits[point:]}", f"0.{digits}"])


@scenario("dynamodb", "numbers", "errors")
def precision_39(ctx: Ctx) -> None:
    """A number with 39 significant digits -> 400 ValidationException."""
    _round_trip(ctx, [_digits(ctx, 39)], expect=VE)


@scenario("dynamodb", "numbers")
def normalised_forms(ctx: Ctx) -> None:
    """Leading/trailing zeros, exponents and -0 come back normalised (0010.500 -> 10.5)."""
    _round_trip(ctx, ["0010.500", "1E+2", "-0", "1.0e-5", "123456789012345678901234567890e3"])


@scenario("dynamodb", "numbers", "errors", cases=2)
def magnitude_limits(ctx: Ctx) -> None:
    """Case 1: 9.99E+125 and 1E-130 (the limits) are fine; case 2: 1E+126 -> ValidationException."""
    if ctx.case == 1:
        _round_trip(ctx, ["9.9999999999999999999999999999999999999E+125", "1E-130"])
    else:
        _round_trip(ctx, ["1E+126"], expect=VE)


@scenario("dynamodb", "numbers")
def add_precision(ctx: Ctx) -> None:
    """ADD of two 37-digit decimals keeps every digit (decimal, not float, arithmetic)."""
    name = table(ctx)
    a, b = f"{_digits(ctx, 19)}.{_digits(ctx, 18)}", f"0.{_digits(ctx, 18)}"
    ctx.call(ctx.ddb.put_item, TableName=name, Item={"pk": s("num"), "v": n(a)})
    ctx.call(ctx.ddb.update_item, TableName=name, Key={"pk": s("num")}, UpdateExpression="ADD v :b",
             ExpressionAttributeValues={":b": n(b)}, ReturnValues="UPDATED_NEW",
             ref=NUMBERS)  # fmt: skip
