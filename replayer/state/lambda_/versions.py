"""Versions and aliases: PublishVersion, ListVersionsByFunction and the alias operations."""

from __future__ import annotations

import re
import uuid
from typing import Any

from awsrec.aws.errors import AwsError
from replayer.state.base import ServeRequest, ServeResponse, handles
from replayer.state.lambda_.common import conflict, not_found, read_json, respond, validation
from replayer.state.lambda_.functions import FunctionOps, check_revision, paginate
from replayer.state.lambda_.store import LATEST, Function
from replayer.state.lambda_.world import require

Doc = dict[str, Any]
# Alias Name pattern from https://docs.aws.amazon.com/lambda/latest/api/API_CreateAlias.html
ALIAS_PATTERN = r"(?!^[0-9]+$)([a-zA-Z0-9-_]+)"


class VersionOps(FunctionOps):
    """Versions are immutable snapshots of $LATEST; aliases point at one (or two, weighted)."""

    @handles("PublishVersion")
    async def publish_version(self, request: ServeRequest) -> ServeResponse:
        doc = await read_json(request)
        name, _ = self.name_and_qualifier(request)
        fn = self.function(request.region, name)
        check_revision(fn.latest, doc)
        sha = doc.get("CodeSha256")
        if sha and sha != fn.latest["CodeSha256"]:
            raise AwsError(
                "InvalidParameterValueException",
                f"CodeSHA256 ({sha}) is different from current CodeSHA256 in $LATEST "
                f"({fn.latest['CodeSha256']}). Please try again.",
                400,
            )
        cfg = self.publish(request, fn, str(doc.get("Description", "")))
        self.store.save()
        return respond(cfg, 201)

    @handles("ListVersionsByFunction")
    async def list_versions_by_function(self, request: ServeRequest) -> ServeResponse:
        name, _ = self.name_and_qualifier(request)
        fn = self.function(request.region, name)
        configs = [fn.latest] + [fn.versions[v] for v in sorted(fn.versions, key=int)]
        page, marker = paginate(configs, request)
        out: Doc = {"Versions": page}
        if marker:
            out["NextMarker"] = marker
        return respond(out)

    def _alias_doc(self, request: ServeRequest, fn: Function, alias: str, doc: Doc) -> Doc:
        version = str(doc["FunctionVersion"])
        if version != LATEST and version not in fn.versions:
            raise not_found(self.arn(request.region, fn.name, version))
        out: Doc = {
            "AliasArn": self.arn(request.region, fn.name, alias),
            "Name": alias,
            "FunctionVersion": version,
            "Description": doc.get("Description", ""),
        }
        weights = (doc.get("RoutingConfig") or {}).get("AdditionalVersionWeights")
        if weights:
            out["RoutingConfig"] = {"AdditionalVersionWeights": dict(weights)}
        out["RevisionId"] = str(uuid.uuid4())
        return out

    def _alias(self, request: ServeRequest) -> tuple[Function, str, Doc]:
        name, _ = self.name_and_qualifier(request)
        fn = self.function(request.region, name)
        alias = request.labels.get("Name", "")
        found = fn.aliases.get(alias)
        if found is None:
            # https://docs.aws.amazon.com/lambda/latest/api/API_GetAlias.html#API_GetAlias_Errors
            raise AwsError(
                "ResourceNotFoundException",
                f"Cannot find alias arn: {self.arn(request.region, name, alias)}",
                404,
            )
        return fn, alias, found

    @handles("CreateAlias")
    async def create_alias(self, request: ServeRequest) -> ServeResponse:
        doc = await read_json(request)
        name, _ = self.name_and_qualifier(request)
        fn = self.function(request.region, name)
        alias = str(require(doc, "Name"))
        require(doc, "FunctionVersion")
        if not re.fullmatch(ALIAS_PATTERN, alias):
            raise validation(
                alias, "name", f"Member must satisfy regular expression pattern: {ALIAS_PATTERN}"
            )
        if alias in fn.aliases:
            raise conflict(f"Alias already exists: {self.arn(request.region, name, alias)}")
        fn.aliases[alias] = self._alias_doc(request, fn, alias, doc)
        self.store.save()
        return respond(fn.aliases[alias], 201)

    @handles("GetAlias")
    async def get_alias(self, request: ServeRequest) -> ServeResponse:
        _, _, found = self._alias(request)
        return respond(found)

    @handles("UpdateAlias")
    async def update_alias(self, request: ServeRequest) -> ServeResponse:
        doc = await read_json(request)
        fn, alias, found = self._alias(request)
        check_revision(found, doc)
        merged = {**found, **{k: v for k, v in doc.items() if v is not None}}
        fn.aliases[alias] = self._alias_doc(request, fn, alias, merged)
        self.store.save()
        return respond(fn.aliases[alias])

    @handles("DeleteAlias")
    async def delete_alias(self, request: ServeRequest) -> ServeResponse:
        name, _ = self.name_and_qualifier(request)
        fn = self.function(request.region, name)
        fn.aliases.pop(request.labels.get("Name", ""), None)  # AWS: 204 for a missing alias too
        self.store.save()
        return respond(None, 204)

    @handles("ListAliases")
    async def list_aliases(self, request: ServeRequest) -> ServeResponse:
        name, _ = self.name_and_qualifier(request)
        fn = self.function(request.region, name)
        wanted = request.query_get("FunctionVersion")
        docs = [d for _, d in sorted(fn.aliases.items()) if wanted in (None, d["FunctionVersion"])]
        page, marker = paginate(docs, request)
        out: Doc = {"Aliases": page}
        if marker:
            out["NextMarker"] = marker
        return respond(out)
