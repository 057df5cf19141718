"""Lambda function scenarios: create/get/update/delete, conflicts, versions, aliases, policy."""

from __future__ import annotations

import json

from scenarios.context import Ctx
from scenarios.lambda_.common import API, CODE, ERRORS, RUNTIME, function, wait_ready, zip_of
from scenarios.registry import scenario

CREATE = f"{API}/API_CreateFunction.html"
NOT_FOUND = "ResourceNotFoundException"
CONFLICT = "ResourceConflictException"
INVALID = "InvalidParameterValueException"


@scenario("lambda", "functions")
def lifecycle(ctx: Ctx) -> None:
    """CreateFunction, GetFunction, GetFunctionConfiguration, ListFunctions (then deleted)."""
    name = function(ctx, Description="awsrec probe", Environment={"Variables": {"PROBE": "1"}})
    ctx.call(ctx.lam.get_function, FunctionName=name, ref=f"{API}/API_GetFunction.html")
    ctx.call(ctx.lam.get_function_configuration, FunctionName=name)
    ctx.call(ctx.lam.list_functions, MaxItems=50)


@scenario("lambda", "functions", "errors")
def create_conflict(ctx: Ctx) -> None:
    """CreateFunction with a taken name -> 409 ResourceConflictException."""
    name = function(ctx)
    ctx.call(ctx.lam.create_function, FunctionName=name, Role=ctx.lambda_role, Runtime=RUNTIME,
             Handler="probe.echo", Code={"ZipFile": CODE}, expect=CONFLICT, ref=CREATE)  # fmt: skip


@scenario("lambda", "functions", "errors")
def missing_function(ctx: Ctx) -> None:
    """Get/GetConfiguration/Update*/Delete of an absent function -> 404 ResourceNotFound."""
    name = ctx.name("absent")
    lam = ctx.lam
    ctx.call(lam.get_function, FunctionName=name, expect=NOT_FOUND, ref=ERRORS)
    ctx.call(lam.get_function_configuration, FunctionName=name, expect=NOT_FOUND)
    ctx.call(lam.update_function_configuration, FunctionName=name, Timeout=5, expect=NOT_FOUND)
    ctx.call(lam.update_function_code, FunctionName=name, ZipFile=CODE, expect=NOT_FOUND)
    ctx.call(lam.delete_function, FunctionName=name, expect=NOT_FOUND)


@scenario("lambda", "functions", cases=2)
def update_configuration(ctx: Ctx) -> None:
    """UpdateFunctionConfiguration with seeded MemorySize/Timeout/Environment; read it back."""
    name = function(ctx)
    ctx.call(ctx.lam.update_function_configuration, FunctionName=name,
             MemorySize=ctx.rng.choice((128, 256, 512, 1024)), Timeout=ctx.rng.randrange(3, 30),
             Environment={"Variables": {"PROBE": str(ctx.rng.randrange(10**6))}},
             ref=f"{API}/API_UpdateFunctionConfiguration.html")  # fmt: skip
    wait_ready(ctx, name)
    ctx.call(ctx.lam.get_function_configuration, FunctionName=name)


@scenario("lambda", "functions")
def update_code(ctx: Ctx) -> None:
    """UpdateFunctionCode with a new zip: CodeSha256 and CodeSize change."""
    name = function(ctx, handler="env")
    source = f"def env(event, context):\n    return {{'v': {ctx.rng.randrange(10**6)}}}\n"
    ctx.call(ctx.lam.update_function_code, FunctionName=name, ZipFile=zip_of(source),
             ref=f"{API}/API_UpdateFunctionCode.html")  # fmt: skip
    wait_ready(ctx, name)


@scenario("lambda", "functions", "errors", cases=4)
def invalid_create(ctx: Ctx) -> None:
    """CreateFunction rejected: unknown runtime, deprecated runtime, bad role, bad zip, memory."""
    cases = (
        ({"Runtime": "cobol85"}, "ValidationException"),
        ({"Runtime": "python2.7"}, INVALID),
        ({"Role": "not-a-role-arn"}, "ValidationException"),
        ({"Code": {"ZipFile": b"this is not a zip archive"}}, INVALID),
    )
    extra, expect = cases[ctx.case - 1]
    params = {"Runtime": RUNTIME, "Role": ctx.lambda_role, "Code": {"ZipFile": CODE}, **extra}
    out = ctx.call(ctx.lam.create_function, FunctionName=ctx.name(), Handler="probe.echo",
                   expect=expect, ref=CREATE, **params)  # fmt: skip
    if out.ok:  # an emulator that accepted it must not keep it
        ctx.call(ctx.lam.delete_function, FunctionName=ctx.name())


@scenario("lambda", "functions", "errors")
def update_in_progress(ctx: Ctx) -> None:
    """Two updates back to back: the second may meet the first in progress -> 409 Conflict.

    AWS answers ResourceConflictException while LastUpdateStatus is InProgress
    (https://docs.aws.amazon.com/lambda/latest/dg/functions-states.html); an emulator that
    applies updates at once answers 200 to both. Both outcomes are documented.
    """
    name = function(ctx)
    for timeout in (ctx.rng.randrange(3, 15), ctx.rng.randrange(15, 30)):
        ctx.call(ctx.lam.update_function_configuration, FunctionName=name, Timeout=timeout,
                 expect=("ok", CONFLICT), ref=ERRORS)  # fmt: skip
    wait_ready(ctx, name)


@scenario("lambda", "functions", "versions")
def versions_and_aliases(ctx: Ctx) -> None:
    """PublishVersion, ListVersionsByFunction, CreateAlias, a duplicate alias -> 409, GetAlias."""
    name = function(ctx)
    lam = ctx.lam
    ctx.call(lam.publish_version, FunctionName=name, Description="v1",
             ref=f"{API}/API_PublishVersion.html")  # fmt: skip
    ctx.call(lam.list_versions_by_function, FunctionName=name)
    ctx.call(lam.create_alias, FunctionName=name, Name="live", FunctionVersion="1")
    ctx.call(lam.create_alias, FunctionName=name, Name="live", FunctionVersion="1",
             expect=CONFLICT, ref=f"{API}/API_CreateAlias.html")  # fmt: skip
    ctx.call(lam.get_alias, FunctionName=name, Name="live")
    ctx.call(lam.get_function, FunctionName=name, Qualifier="7", expect=NOT_FOUND)


@scenario("lambda", "functions", "policy")
def permissions(ctx: Ctx) -> None:
    """AddPermission, a duplicate StatementId -> 409, GetPolicy, RemovePermission, absent -> 404."""
    name = function(ctx)
    lam = ctx.lam
    grant = {"FunctionName": name, "StatementId": "probe", "Action": "lambda:InvokeFunction",
             "Principal": "s3.amazonaws.com"}  # fmt: skip
    ctx.call(lam.add_permission, **grant, ref=f"{API}/API_AddPermission.html")
    ctx.call(lam.add_permission, **grant, expect=CONFLICT, ref=f"{API}/API_AddPermission.html")
    policy = ctx.call(lam.get_policy, FunctionName=name).response.get("Policy", "{}")
    json.loads(policy)  # the policy is a JSON document in a string
    ctx.call(lam.remove_permission, FunctionName=name, StatementId="probe")
    ctx.call(lam.remove_permission, FunctionName=name, StatementId="probe", expect=NOT_FOUND)


@scenario("lambda", "functions", "tags")
def tags(ctx: Ctx) -> None:
    """TagResource, ListTags, UntagResource on a function ARN."""
    name = function(ctx, Tags={"created-by": "awsrec"})
    arn = ctx.call(ctx.lam.get_function_configuration, FunctionName=name).response["FunctionArn"]
    ctx.call(ctx.lam.tag_resource, Resource=arn, Tags={"probe": str(ctx.rng.randrange(100))})
    ctx.call(ctx.lam.list_tags, Resource=arn)
    ctx.call(ctx.lam.untag_resource, Resource=arn, TagKeys=["probe"])
    ctx.call(ctx.lam.list_tags, Resource=arn)
