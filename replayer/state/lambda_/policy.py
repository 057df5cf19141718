"""Resource-based policies (AddPermission, GetPolicy, RemovePermission) and tags."""

from __future__ import annotations

import json
import uuid
from typing import Any

from awsrec.aws.errors import AwsError
from replayer.state.base import ServeRequest, ServeResponse, handles
from replayer.state.lambda_.common import conflict, read_json, respond
from replayer.state.lambda_.store import Function
from replayer.state.lambda_.versions import VersionOps
from replayer.state.lambda_.world import require, split_name

Doc = dict[str, Any]
# https://docs.aws.amazon.com/lambda/latest/api/API_GetPolicy.html#API_GetPolicy_Errors
NO_POLICY = "The resource you requested does not exist."
# RemovePermission words the same cases its own way. AWS's messages as LocalStack's
# AWS-validated provider (localstack-core/localstack/services/lambda_/provider.py) and
# moto's tests (tests/test_awslambda/test_lambda_policy.py) have them.
NO_POLICY_TO_REMOVE = "No policy is associated with the given resource."


def statement(doc: Doc, resource: str) -> Doc:
    """The policy statement AddPermission adds, as GetPolicy shows it."""
    principal = str(doc["Principal"])
    who: Any = principal
    if principal.endswith(".amazonaws.com") or principal.endswith(".amazonaws.com.cn"):
        who = {"Service": principal}
    elif principal.isdigit():
        who = {"AWS": f"arn:aws:iam::{principal}:root"}
    elif principal != "*":
        who = {"AWS": principal}
    out: Doc = {
        "Sid": doc["StatementId"],
        "Effect": "Allow",
        "Principal": who,
        "Action": doc["Action"],
        "Resource": resource,
    }
    condition: Doc = {}
    if doc.get("SourceAccount"):
        condition.setdefault("StringEquals", {})["AWS:SourceAccount"] = doc["SourceAccount"]
    if doc.get("PrincipalOrgID"):
        condition.setdefault("StringEquals", {})["aws:PrincipalOrgID"] = doc["PrincipalOrgID"]
    if doc.get("FunctionUrlAuthType"):
        condition.setdefault("StringEquals", {})["lambda:FunctionUrlAuthType"] = doc[
            "FunctionUrlAuthType"
        ]
    if doc.get("SourceArn"):
        condition["ArnLike"] = {"AWS:SourceArn": doc["SourceArn"]}
    if condition:
        out["Condition"] = condition
    return out


class PolicyOps(VersionOps):
    """Statements are kept per function with the (qualified) resource they apply to."""

    def _statements(self, request: ServeRequest) -> tuple[Function, str, list[Doc]]:
        name, qualifier = self.name_and_qualifier(request)
        target = self.resolve(request.region, name, qualifier)
        resource = self.arn(request.region, name, qualifier)
        mine = [s for s in target.function.policy if s["Resource"] == resource]
        return target.function, resource, mine

    @handles("AddPermission")
    async def add_permission(self, request: ServeRequest) -> ServeResponse:
        doc = await read_json(request)
        for member in ("StatementId", "Action", "Principal"):
            require(doc, member)
        fn, resource, mine = self._statements(request)
        if any(s["Sid"] == doc["StatementId"] for s in mine):
            # https://docs.aws.amazon.com/lambda/latest/api/API_AddPermission.html#API_AddPermission_Errors
            raise conflict(
                f"The statement id ({doc['StatementId']}) provided already exists. Please "
                "provide a new statement id, or remove the existing statement."
            )
        new = statement(doc, resource)
        fn.policy.append(new)
        fn.policy_revision = str(uuid.uuid4())
        self.store.save()
        return respond({"Statement": json.dumps(new, separators=(",", ":"))}, 201)

    @handles("GetPolicy")
    async def get_policy(self, request: ServeRequest) -> ServeResponse:
        fn, _, mine = self._statements(request)
        if not mine:
            raise AwsError("ResourceNotFoundException", NO_POLICY, 404)
        policy = {"Version": "2012-10-17", "Id": "default", "Statement": mine}
        return respond(
            {"Policy": json.dumps(policy, separators=(",", ":")), "RevisionId": fn.policy_revision}
        )

    @handles("RemovePermission")
    async def remove_permission(self, request: ServeRequest) -> ServeResponse:
        name, _ = self.name_and_qualifier(request)
        if name not in self.store.functions:
            arn = self.arn(request.region, name)
            raise AwsError("ResourceNotFoundException", f"No policy found for: {arn}", 404)
        fn, resource, mine = self._statements(request)
        sid = request.labels.get("StatementId", "")
        if not mine:
            raise AwsError("ResourceNotFoundException", NO_POLICY_TO_REMOVE, 404)
        if not any(s["Sid"] == sid for s in mine):
            raise AwsError(
                "ResourceNotFoundException",
                f"Statement {sid} is not found in resource policy.",
                404,
            )
        fn.policy = [s for s in fn.policy if not (s["Resource"] == resource and s["Sid"] == sid)]
        fn.policy_revision = str(uuid.uuid4())
        self.store.save()
        return respond(None, 204)

    def _tagged(self, request: ServeRequest) -> Function:
        resource = request.labels.get("Resource", "")
        name, _ = split_name(resource)
        fn = self.store.functions.get(name)
        if fn is None:
            raise AwsError("ResourceNotFoundException", f"Function not found: {resource}", 404)
        return fn

    @handles("TagResource")
    async def tag_resource(self, request: ServeRequest) -> ServeResponse:
        doc = await read_json(request)
        fn = self._tagged(request)
        fn.tags.update(dict(require(doc, "Tags")))  # type: ignore[call-overload]
        self.store.save()
        return respond(None, 204)

    @handles("UntagResource")
    async def untag_resource(self, request: ServeRequest) -> ServeResponse:
        fn = self._tagged(request)
        for key, value in request.query:
            if key == "tagKeys":
                fn.tags.pop(value, None)
        self.store.save()
        return respond(None, 204)

    @handles("ListTags")
    async def list_tags(self, request: ServeRequest) -> ServeResponse:
        return respond({"Tags": self._tagged(request).tags})
