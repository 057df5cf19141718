"""The Normaliser: redaction then rules, in a fixed order, over one interaction."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from fnmatch import fnmatchcase

from awsrec.cassette import Interaction, Pairs, Request, Response
from awsrec.normalize.digests import refresh_digests
from awsrec.normalize.issued import issued_secrets
from awsrec.normalize.jsonpath import JsonPath, looks_like_json, rewrite_json
from awsrec.normalize.placeholders import PlaceholderTable, render
from awsrec.normalize.redact import redact_secrets
from awsrec.normalize.rules import (
    SERVICES,
    WHERE_ORDER,
    Rule,
    RuleSet,
    builtin_rules,
    builtin_versions,
    common_rules,
)
from awsrec.normalize.xmlpath import XmlPath, looks_like_xml, rewrite_xml

# Values that mean "none" on the wire and must stay as they are (S3's version id "null").
_KEEP = frozenset({"", "null"})
_PLACEHOLDER_VALUE_RE = re.compile(r"<[a-z][a-z0-9-]*(?::[a-z0-9-]+)?>")


@dataclass(frozen=True)
class CompiledRules:
    """One service's rules, compiled and grouped by `where`, in application order."""

    headers: list[tuple[str, str]]  # (lower-case name glob, template)
    query: list[tuple[str, str]]
    path: list[tuple[re.Pattern[str], str]]
    xml: list[tuple[XmlPath, str]]
    json: list[tuple[JsonPath, str]]
    body: list[tuple[re.Pattern[str], str]]
    opaque_requests: frozenset[str]
    opaque_responses: frozenset[str]

    @classmethod
    def build(cls, rules: list[Rule], base: RuleSet, extra: RuleSet) -> CompiledRules:
        order = {w: i for i, w in enumerate(WHERE_ORDER)}
        ordered = sorted(rules, key=lambda r: order[r.where])  # stable: keeps file order
        by: dict[str, list[Rule]] = {w: [] for w in WHERE_ORDER}
        for rule in ordered:
            by[rule.where].append(rule)
        return cls(
            headers=[(r.match.lower(), r.replace) for r in by["header"]],
            query=[(r.match, r.replace) for r in by["query"]],
            path=[(re.compile(r.match), r.replace) for r in by["path-regex"]],
            xml=[(XmlPath.parse(r.match), r.replace) for r in by["xml-path"]],
            json=[(JsonPath.parse(r.match), r.replace) for r in by["json-path"]],
            body=[(re.compile(r.match), r.replace) for r in by["body-regex"]],
            opaque_requests=base.opaque_requests | extra.opaque_requests,
            opaque_responses=base.opaque_responses | extra.opaque_responses,
        )


class Normaliser:
    """Redacts and stabilises interactions with one cassette's placeholder table.

    For `awsrec diff`, use one Normaliser per side, so that the n-th request id of each side
    becomes the same `<request-id:n>`.
    """

    def __init__(self, extra: RuleSet | None = None, table: PlaceholderTable | None = None) -> None:
        self._extra = extra or RuleSet()
        self._table = table if table is not None else PlaceholderTable()
        self._compiled: dict[str, CompiledRules] = {}
        self._versions: dict[str, str] = {}
        self._used: list[str] = []

    @property
    def table(self) -> PlaceholderTable:
        """The placeholder table; serialise it into the cassette header with `to_dict()`."""
        return self._table

    def rule_set_versions(self) -> dict[str, str]:
        """Versions of the rule sets applied so far, for the cassette header's `rule_sets`."""
        versions = dict(self._versions)
        if self._extra.rules:
            versions["user"] = self._extra.version or "unversioned"
        return versions

    def rules_for(self, service: str) -> CompiledRules:
        """The compiled rules applied to `service` (built-ins for it, then the user's)."""
        compiled = self._compiled.get(service)
        if compiled is None:
            if service in SERVICES:
                base = builtin_rules(service)
                self._versions.update(builtin_versions(service))
            else:
                # Any other service (STS, IAM, ...) still gets the common rules, which redact
                # the credentials responses hand out, and the user's.
                base = common_rules()
                self._versions["common"] = base.version
            extra = [r for r in self._extra.rules if r.service in (None, service)]
            compiled = CompiledRules.build([*base.rules, *extra], base, self._extra)
            self._compiled[service] = compiled
        return compiled

    def normalise(self, interaction: Interaction) -> Interaction:
        """A new interaction, redacted and stabilised; `placeholders` lists those it uses."""
        rules = self.rules_for(interaction.service)
        self._used = []
        request = self._request(rules, interaction.operation, interaction.request)
        response = self._response(rules, interaction.operation, interaction.response)
        used = list(dict.fromkeys([*interaction.placeholders, *self._used]))
        return replace(
            interaction,
            request=request,
            response=response,
            placeholders=used,
            flags=dict(interaction.flags),
        )

    def issued_secrets(self, interaction: Interaction) -> list[tuple[str, str]]:
        """(value, member) of each credential the response hands out (see `issued_secrets`).

        Nothing from a successful response whose body is the user's data (GetObject, Invoke):
        the rules leave it as it is, so a value registered from it would refuse its own record.
        """
        response = interaction.response
        opaque = self.rules_for(interaction.service).opaque_responses
        if interaction.operation in opaque and response.status < 300:
            return []
        return issued_secrets(response.body)

    def normalise_response(self, service: str, operation: str, response: Response) -> Response:
        """A new response with the same rules applied (used by diff on both sides)."""
        self._used = []
        return self._response(self.rules_for(service), operation, response)

    def _request(self, rules: CompiledRules, operation: str, request: Request) -> Request:
        headers, query = redact_secrets(request.headers, request.query)
        headers = self._headers(rules, headers)
        query = [(k, self._first(rules.query, k, v, exact=True)) for k, v in query]
        path = request.path
        for pattern, template in rules.path:
            path = self._regex(pattern, template, path)
        body = request.body
        if operation not in rules.opaque_requests:
            body = self._body(rules, body)
        if body != request.body:
            headers = refresh_digests(headers, body)
        return Request(request.method, path, query, headers, body)

    def _response(self, rules: CompiledRules, operation: str, response: Response) -> Response:
        headers, _ = redact_secrets(response.headers, [])
        headers = self._headers(rules, headers)
        body = response.body
        if operation not in rules.opaque_responses or response.status >= 300:
            body = self._body(rules, body)
        if body != response.body:
            headers = refresh_digests(headers, body)
        return Response(response.status, headers, body)

    def _headers(self, rules: CompiledRules, headers: Pairs) -> Pairs:
        return [(k, self._first(rules.headers, k.lower(), v, exact=False)) for k, v in headers]

    def _first(self, rules: list[tuple[str, str]], name: str, value: str, exact: bool) -> str:
        for pattern, template in rules:
            if pattern == name if exact else fnmatchcase(name, pattern):
                return self._apply(template, value)
        return value

    def _apply(self, template: str, value: str) -> str:
        # Placeholders stay as they are, so normalising a normalised cassette changes nothing.
        if value in _KEEP or _PLACEHOLDER_VALUE_RE.fullmatch(value):
            return value
        return render(template, value, self._table, self._used)

    def _regex(self, pattern: re.Pattern[str], template: str, text: str) -> str:
        def one(m: re.Match[str]) -> str:
            if not pattern.groups:
                return self._apply(template, m.group(0))
            whole, base = m.group(0), m.start()
            pieces: list[str] = []
            last = 0
            for g in range(1, pattern.groups + 1):
                if m.start(g) < 0:
                    continue
                start, end = m.start(g) - base, m.end(g) - base
                pieces += [whole[last:start], self._apply(template, m.group(g))]
                last = end
            return "".join([*pieces, whole[last:]])

        return pattern.sub(one, text)

    def _body(self, rules: CompiledRules, body: bytes) -> bytes:
        if not body or not (rules.xml or rules.json or rules.body):
            return body
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return body  # binary: no text rule can apply
        original = text
        if rules.xml and looks_like_xml(text):
            text = rewrite_xml(text, rules.xml, self._apply)
        elif rules.json and looks_like_json(text):
            text = rewrite_json(text, rules.json, self._apply)
        for pattern, template in rules.body:
            text = self._regex(pattern, template, text)
        return body if text == original else text.encode("utf-8")
