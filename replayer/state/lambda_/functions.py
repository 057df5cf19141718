"""Lambda's function control plane: Create/Get/List/Update/Delete of functions."""

from __future__ import annotations

import base64
import copy
from typing import Any

from awsrec.aws.errors import AwsError
from replayer.state.base import ServeRequest, ServeResponse, handles
from replayer.state.lambda_ import config as cfgs
from replayer.state.lambda_ import validate
from replayer.state.lambda_.common import conflict, invalid, read_json, respond
from replayer.state.lambda_.s3source import get_object
from replayer.state.lambda_.store import LATEST, Function
from replayer.state.lambda_.world import LambdaBase, require, split_name

Doc = dict[str, Any]
_MAX_ITEMS = 50  # ListFunctions' page size when MaxItems is not given


class FunctionOps(LambdaBase):
    """Handlers for the function lifecycle; workers are recycled on every change."""

    notes: list[str]

    def retire(self, name: str) -> None:
        """Drop warm workers of `name` (code or configuration changed); see InvokeOps."""

    async def code_from(self, request: ServeRequest, code: Doc) -> bytes:
        if code.get("ZipFile"):
            return validate.decode_zip(str(code["ZipFile"]))
        if code.get("S3Bucket") and code.get("S3Key"):
            data = await get_object(
                request.host, str(code["S3Bucket"]), str(code["S3Key"]), code.get("S3ObjectVersion")
            )
            validate.check_zip(data)
            return data
        if code.get("ImageUri"):
            raise invalid("awsrec serve runs zip packages only; ImageUri is not supported.")
        raise invalid("Please provide a source for function code.")

    @handles("CreateFunction")
    async def create_function(self, request: ServeRequest) -> ServeResponse:
        doc = await read_json(request)
        name, _ = split_name(str(require(doc, "FunctionName")))
        role = str(require(doc, "Role"))
        validate.check_role(role)
        if doc.get("Runtime"):
            validate.check_runtime(str(doc["Runtime"]))
        validate.check_limits(doc)
        code = await self.code_from(request, dict(require(doc, "Code")))  # type: ignore[call-overload]
        if name in self.store.functions:
            # https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html#API_CreateFunction_Errors
            raise conflict(f"Function already exist: {name}")
        cfg = cfgs.new_config(name, self.arn(request.region, name), doc, code, self.notes)
        fn = Function(name, cfg, self.store.put_code(code), tags=dict(doc.get("Tags") or {}))
        self.store.functions[name] = fn
        answer = cfgs.as_creating(cfg)
        if doc.get("Publish"):
            answer = cfgs.as_creating(self.publish(request, fn, str(doc.get("Description", ""))))
        self.store.save()
        return respond(answer, 201)

    def publish(self, request: ServeRequest, fn: Function, description: str) -> Doc:
        """A new version from $LATEST, unless $LATEST is unchanged since the last one."""
        if fn.versions:
            last = str(fn.next_version - 1)
            prev = fn.versions.get(last)
            if prev is not None and _same(prev, fn.latest) and fn.version_code.get(last) == fn.code:
                return prev
        number = str(fn.next_version)
        fn.next_version += 1
        cfg = copy.deepcopy(fn.latest)
        cfg["FunctionArn"] = self.arn(request.region, fn.name, number)
        cfg["Version"] = number
        cfg["Description"] = description or fn.latest.get("Description", "")
        cfgs.touched(cfg)
        fn.versions[number] = cfg
        fn.version_code[number] = fn.code
        return cfg

    @handles("GetFunction")
    async def get_function(self, request: ServeRequest) -> ServeResponse:
        target = self.target(request)
        cfg = target.function.config(target.version)
        assert cfg is not None
        doc: Doc = {
            "Configuration": cfg,
            "Code": {
                "RepositoryType": "S3",
                # Where AWS hands out a presigned S3 URL; here a loopback URL (not served).
                "Location": f"http://{request.host}/_awsrec/lambda/code/{target.function.name}",
            },
        }
        if target.function.tags:
            doc["Tags"] = target.function.tags
        return respond(doc)

    @handles("GetFunctionConfiguration")
    async def get_function_configuration(self, request: ServeRequest) -> ServeResponse:
        target = self.target(request)
        return respond(target.function.config(target.version))

    @handles("ListFunctions")
    async def list_functions(self, request: ServeRequest) -> ServeResponse:
        every = request.query_get("FunctionVersion") == "ALL"
        configs: list[Doc] = []
        for name in sorted(self.store.functions):
            fn = self.store.functions[name]
            configs.append(fn.latest)
            if every:
                configs.extend(fn.versions[v] for v in sorted(fn.versions, key=int))
        page, marker = paginate(configs, request)
        doc: Doc = {"Functions": page}
        if marker:
            doc["NextMarker"] = marker
        return respond(doc)

    @handles("UpdateFunctionCode")
    async def update_function_code(self, request: ServeRequest) -> ServeResponse:
        doc = await read_json(request)
        name, _ = self.name_and_qualifier(request)
        fn = self.function(request.region, name)
        check_revision(fn.latest, doc)
        code = await self.code_from(request, doc)
        fn.code = self.store.put_code(code)
        fn.latest["CodeSize"] = len(code)
        fn.latest["CodeSha256"] = cfgs.code_sha(code)
        cfgs.touched(fn.latest)
        self.retire(name)
        answer = fn.latest
        if doc.get("Publish"):
            answer = self.publish(request, fn, "")
        self.store.save()
        return respond(cfgs.as_updating(answer))

    @handles("UpdateFunctionConfiguration")
    async def update_function_configuration(self, request: ServeRequest) -> ServeResponse:
        doc = await read_json(request)
        name, _ = self.name_and_qualifier(request)
        fn = self.function(request.region, name)
        check_revision(fn.latest, doc)
        if doc.get("Role"):
            validate.check_role(str(doc["Role"]))
        if doc.get("Runtime"):
            validate.check_runtime(str(doc["Runtime"]))
        validate.check_limits(doc)
        cfgs.apply_settings(fn.latest, doc, self.notes)
        cfgs.touched(fn.latest)
        fn.latest = cfgs.reordered(fn.latest)
        self.retire(name)
        self.store.save()
        return respond(cfgs.as_updating(fn.latest))

    @handles("DeleteFunction")
    async def delete_function(self, request: ServeRequest) -> ServeResponse:
        name, qualifier = self.name_and_qualifier(request)
        fn = self.function(request.region, name, qualifier)
        if qualifier is None:
            del self.store.functions[name]
        elif qualifier == LATEST:
            raise invalid("$LATEST version cannot be deleted without deleting the function.")
        elif qualifier in fn.versions:
            used = [a for a, doc in fn.aliases.items() if doc["FunctionVersion"] == qualifier]
            if used:
                # https://docs.aws.amazon.com/lambda/latest/api/API_DeleteFunction.html
                raise conflict(
                    f"Unable to delete version because the following aliases reference it: {used}"
                )
            del fn.versions[qualifier]
            fn.version_code.pop(qualifier, None)
        self.retire(name)
        self.store.save()
        return respond(None, 204)


def _same(a: Doc, b: Doc) -> bool:
    skip = {"FunctionArn", "Version", "RevisionId", "LastModified", "Description"}
    return {k: v for k, v in a.items() if k not in skip} == {
        k: v for k, v in b.items() if k not in skip
    }


def check_revision(cfg: Doc, doc: Doc) -> None:
    given = doc.get("RevisionId")
    if given and given != cfg.get("RevisionId"):
        # https://docs.aws.amazon.com/lambda/latest/api/API_UpdateFunctionConfiguration.html#API_UpdateFunctionConfiguration_Errors
        raise AwsError(
            "PreconditionFailedException",
            "The Revision Id provided does not match the latest Revision Id. Call the "
            "GetFunction/GetAlias API to retrieve the latest Revision Id",
            412,
        )


def paginate(items: list[Doc], request: ServeRequest) -> tuple[list[Doc], str | None]:
    """One page from Marker (an opaque token: the base64 of the next item's index)."""
    start = 0
    marker = request.query_get("Marker")
    if marker:
        try:
            start = int(base64.urlsafe_b64decode(marker.encode()).decode())
        except ValueError as e:
            raise invalid("Invalid Marker") from e
    size = int(request.query_get("MaxItems") or _MAX_ITEMS)
    if not 1 <= size <= 10000:
        raise invalid(f"1 validation error detected: Value '{size}' at 'maxItems' failed")
    page = items[start : start + size]
    nxt = start + size
    token = base64.urlsafe_b64encode(str(nxt).encode()).decode() if nxt < len(items) else None
    return page, token
