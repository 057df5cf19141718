"""Table settings tools call: UpdateTable, TTL, tags, continuous backups, limits, endpoints."""

from __future__ import annotations

import time

from replayer.state.base import ServeRequest, ServeResponse, handles
from replayer.state.dynamodb.errors import DynamoError, invalid_params, not_found, validation
from replayer.state.dynamodb.store import Doc, respond
from replayer.state.dynamodb.table import Index, Table
from replayer.state.dynamodb.tables import TablesOps, throughput


class TableSettingsOps(TablesOps):
    """Handlers that change or report a table's settings rather than its items."""

    @handles("UpdateTable")
    async def update_table(self, req: ServeRequest) -> ServeResponse:
        body = await self.body(req)
        t = self.tables.get(body.get("TableName", ""))
        if t is None:
            raise not_found(str(body.get("TableName")))
        d = t.description
        if "BillingMode" in body:
            d["ProvisionedThroughput"] = throughput(body, body["BillingMode"])
            if body["BillingMode"] == "PAY_PER_REQUEST":
                d["BillingModeSummary"] = {
                    "BillingMode": "PAY_PER_REQUEST",
                    "LastUpdateToPayPerRequestDateTime": time.time(),
                }
            else:
                d.pop("BillingModeSummary", None)
        elif "ProvisionedThroughput" in body:
            d["ProvisionedThroughput"] = throughput(body, "PROVISIONED")
        if "DeletionProtectionEnabled" in body:
            d["DeletionProtectionEnabled"] = bool(body["DeletionProtectionEnabled"])
        for a in body.get("AttributeDefinitions", []):
            if a["AttributeName"] not in t.types:
                d["AttributeDefinitions"].append(a)
                t.types[a["AttributeName"]] = a["AttributeType"]
        changed: dict[str, Doc | None] = {}
        for u in body.get("GlobalSecondaryIndexUpdates", []):
            changed.update(self._gsi_update(req, t, u))
        self.persist(t)
        return respond({"TableDescription": self._updating(t, changed)})

    def _updating(self, t: Table, changed: dict[str, Doc | None]) -> Doc:
        """UpdateTable's answer: a new GSI is CREATING, a dropped one DELETING.

        DescribeTable already shows the result, as for a table's own lifecycle.

        https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_GlobalSecondaryIndexDescription.html
        """
        out = self.describe(t, "UPDATING")
        gsis = out.get("GlobalSecondaryIndexes", [])
        for ix in gsis:
            if ix["IndexName"] in changed:
                ix["IndexStatus"] = "CREATING"
        for gone in changed.values():
            if gone is not None:
                gsis.append({**gone, "IndexStatus": "DELETING"})
        if gsis:
            out["GlobalSecondaryIndexes"] = gsis
        return out

    def _gsi_update(self, req: ServeRequest, t: Table, u: Doc) -> dict[str, Doc | None]:
        """Apply one GlobalSecondaryIndexUpdates entry.

        Returns {name: None} for a created index, {name: its description} for a deleted one.
        """
        d = t.description
        gsis = d.setdefault("GlobalSecondaryIndexes", [])
        if c := u.get("Create"):
            if c["IndexName"] in t.indexes:
                raise invalid_params(f"Index already exists: {c['IndexName']}")
            billing = d.get("BillingModeSummary", {}).get("BillingMode", "PROVISIONED")
            ix = self._index(c, self.arn(req, d["TableName"]), billing, True, t.hash_key)
            for k in c["KeySchema"]:
                if k["AttributeName"] not in t.types:
                    raise invalid_params(
                        "Global Secondary Index hash key not specified in Attribute Definitions."
                        f"Type unknown. {k['AttributeName']}"
                    )
            gsis.append(ix)
            ks = {k["KeyType"]: k["AttributeName"] for k in c["KeySchema"]}
            t.indexes[c["IndexName"]] = Index(
                c["IndexName"], ks["HASH"], ks.get("RANGE"), ix["Projection"], True, ix
            )
            done: dict[str, Doc | None] = {c["IndexName"]: None}
        elif dl := u.get("Delete"):
            name = dl["IndexName"]
            if name not in t.indexes or not t.indexes[name].is_global:
                raise DynamoError(
                    "ResourceNotFoundException",
                    f"Requested resource not found: Index: {name} not found",
                )
            done = {name: next(dict(g) for g in gsis if g["IndexName"] == name)}
            d["GlobalSecondaryIndexes"] = [g for g in gsis if g["IndexName"] != name]
            del t.indexes[name]
        else:
            done = {}
            up = u.get("Update") or {}
            for g in gsis:
                if g["IndexName"] == up.get("IndexName"):
                    g["ProvisionedThroughput"] = throughput(up, "PROVISIONED", g["IndexName"])
        if not d["GlobalSecondaryIndexes"]:
            del d["GlobalSecondaryIndexes"]
        return done

    @handles("UpdateTimeToLive")
    async def update_time_to_live(self, req: ServeRequest) -> ServeResponse:
        # https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateTimeToLive.html
        body = await self.body(req)
        t = self.table(body.get("TableName"))
        spec = body.get("TimeToLiveSpecification") or {}
        enabled = bool(spec.get("Enabled"))
        current = t.description.get("_TimeToLive", {}).get("TimeToLiveStatus", "DISABLED")
        if enabled and current == "ENABLED":
            raise validation("TimeToLive is already enabled")
        if not enabled and current == "DISABLED":
            raise validation("TimeToLive is already disabled")
        ttl: Doc = {"TimeToLiveStatus": "ENABLED" if enabled else "DISABLED"}
        if enabled:
            ttl["AttributeName"] = spec["AttributeName"]
        t.description["_TimeToLive"] = ttl
        self.persist(t)
        return respond({"TimeToLiveSpecification": spec})

    @handles("DescribeTimeToLive")
    async def describe_time_to_live(self, req: ServeRequest) -> ServeResponse:
        body = await self.body(req)
        t = self.table(body.get("TableName"))
        ttl = t.description.get("_TimeToLive", {"TimeToLiveStatus": "DISABLED"})
        return respond({"TimeToLiveDescription": ttl})

    def by_arn(self, arn: object) -> Table:
        for t in self.tables.values():
            if t.description["TableArn"] == arn:
                return t
        # AWS spells it "ResourcArn" in this message.
        raise DynamoError(
            "ResourceNotFoundException",
            f"Requested resource not found: ResourcArn: {arn} not found",
        )

    @handles("TagResource")
    async def tag_resource(self, req: ServeRequest) -> ServeResponse:
        body = await self.body(req)
        t = self.by_arn(body.get("ResourceArn"))
        tags = {x["Key"]: x["Value"] for x in t.description.get("_Tags", [])}
        tags.update({x["Key"]: x["Value"] for x in body.get("Tags", [])})
        t.description["_Tags"] = [{"Key": k, "Value": v} for k, v in tags.items()]
        self.persist(t)
        return respond({})

    @handles("UntagResource")
    async def untag_resource(self, req: ServeRequest) -> ServeResponse:
        body = await self.body(req)
        t = self.by_arn(body.get("ResourceArn"))
        drop = set(body.get("TagKeys", []))
        t.description["_Tags"] = [x for x in t.description.get("_Tags", []) if x["Key"] not in drop]
        self.persist(t)
        return respond({})

    @handles("ListTagsOfResource")
    async def list_tags_of_resource(self, req: ServeRequest) -> ServeResponse:
        body = await self.body(req)
        t = self.by_arn(body.get("ResourceArn"))
        return respond({"Tags": t.description.get("_Tags", [])})

    def _backups(self, name: object) -> Table:
        t = self.tables.get(name) if isinstance(name, str) else None
        if t is None:
            raise DynamoError("TableNotFoundException", f"Table not found: {name}")
        return t

    @staticmethod
    def _backups_doc(t: Table) -> Doc:
        pitr: Doc = {"PointInTimeRecoveryStatus": "DISABLED"}
        if t.description.get("_PITR"):
            now = time.time()
            pitr = {
                "PointInTimeRecoveryStatus": "ENABLED",
                "RecoveryPeriodInDays": 35,
                "EarliestRestorableDateTime": t.description["_PITR"],
                "LatestRestorableDateTime": now - 300,
            }
        return {
            "ContinuousBackupsDescription": {
                "ContinuousBackupsStatus": "ENABLED",
                "PointInTimeRecoveryDescription": pitr,
            }
        }

    @handles("DescribeContinuousBackups")
    async def describe_continuous_backups(self, req: ServeRequest) -> ServeResponse:
        body = await self.body(req)
        return respond(self._backups_doc(self._backups(body.get("TableName"))))

    @handles("UpdateContinuousBackups")
    async def update_continuous_backups(self, req: ServeRequest) -> ServeResponse:
        body = await self.body(req)
        t = self._backups(body.get("TableName"))
        spec = body.get("PointInTimeRecoverySpecification") or {}
        t.description["_PITR"] = time.time() if spec.get("PointInTimeRecoveryEnabled") else None
        self.persist(t)
        return respond(self._backups_doc(t))

    @handles("DescribeLimits")
    async def describe_limits(self, req: ServeRequest) -> ServeResponse:
        # https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DescribeLimits.html
        return respond(
            {
                "AccountMaxReadCapacityUnits": 80000,
                "AccountMaxWriteCapacityUnits": 80000,
                "TableMaxReadCapacityUnits": 40000,
                "TableMaxWriteCapacityUnits": 40000,
            }
        )

    @handles("DescribeEndpoints")
    async def describe_endpoints(self, req: ServeRequest) -> ServeResponse:
        address = f"dynamodb.{req.region}.amazonaws.com"
        return respond({"Endpoints": [{"Address": address, "CachePeriodInMinutes": 1440}]})
