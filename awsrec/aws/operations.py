"""Which operation a request calls, by matchers compiled once from botocore's models."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, unquote

from awsrec.aws import botocore_adapter
from awsrec.aws.protocol import protocol_of

Pairs = list[tuple[str, str]]
_LABEL = re.compile(r"\{([A-Za-z0-9_]+)(\+?)\}")


@dataclass(frozen=True, slots=True)
class OperationMatch:
    """An identified operation, with its decoded labels.

    `labels` holds the URI labels (Bucket, Key, FunctionName...) and the query-bound members
    present in the request (VersionId, UploadId, Qualifier...).
    """

    service: str
    name: str
    labels: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _Candidate:
    """One operation under one (method, path template): what the request must also carry."""

    name: str
    literals: tuple[tuple[str, str | None], ...]  # query literals of the requestUri
    required_query: tuple[str, ...]  # wire names of required querystring members
    required_headers: tuple[str, ...]  # lower-case names of required header members
    query_members: dict[str, str]  # wire name -> member name, for labels
    rank: tuple[int, int]  # tie-break among identical requests: (deprecated, express-only)

    def literals_present(self, keys: set[str], query: dict[str, str]) -> bool:
        for key, value in self.literals:
            if key not in keys or (value is not None and query.get(key) != value):
                return False
        return True

    def fully_present(self, keys: set[str], header_names: set[str]) -> bool:
        return all(k in keys for k in self.required_query) and all(
            h in header_names for h in self.required_headers
        )


@dataclass(slots=True)
class _Template:
    """One requestUri path template with the operations that share it."""

    marker: str  # name of the empty group that closes this template's alternative
    regex: re.Pattern[str]
    groups: dict[str, str]  # regex group -> URI label member name
    candidates: list[_Candidate]  # most specific first
    # Candidates indexed by their first query literal, so a request only checks the operations
    # whose literals it could carry (GET /{Bucket} has ~40 of them).
    plain: list[_Candidate] = field(default_factory=list)
    by_literal: dict[str, list[_Candidate]] = field(default_factory=dict)
    order: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.order = {c.name: i for i, c in enumerate(self.candidates)}
        for cand in self.candidates:
            if cand.literals:
                self.by_literal.setdefault(cand.literals[0][0], []).append(cand)
            else:
                self.plain.append(cand)

    def relevant(self, keys: set[str]) -> list[_Candidate]:
        """Candidates whose first literal the query carries, plus literal-free ones, in order."""
        found = [c for k in keys if k in self.by_literal for c in self.by_literal[k]]
        if not found:
            return self.plain
        found.extend(self.plain)
        found.sort(key=lambda c: self.order[c.name])
        return found


@dataclass(slots=True)
class _RestMatcher:
    by_method: dict[str, tuple[re.Pattern[str], dict[str, _Template]]]


def _template_regex(path_template: str, prefix: str) -> tuple[str, dict[str, str]]:
    groups: dict[str, str] = {}
    out: list[str] = []
    pos = 0
    for i, m in enumerate(_LABEL.finditer(path_template)):
        out.append(re.escape(path_template[pos : m.start()]))
        group = f"{prefix}_{i}"
        groups[group] = m.group(1)
        out.append(f"(?P<{group}>.+)" if m.group(2) else f"(?P<{group}>[^/]+)")
        pos = m.end()
    out.append(re.escape(path_template[pos:]))
    pattern = "".join(out)
    if not pattern.endswith("/"):
        pattern += "/?"  # "/bucket/" addresses the bucket as "/bucket" does
    return pattern, groups


def _candidate(service: str, name: str, query_template: str) -> _Candidate:
    literals = tuple(
        (k, v if v != "" or "=" in part else None)
        for part in query_template.split("&")
        if part
        for k, _, v in [part.partition("=")]
    )
    req_query: list[str] = []
    req_headers: list[str] = []
    query_members: dict[str, str] = {}
    for member, location, wire, required in botocore_adapter.input_bindings(service, name):
        if location == "querystring":
            query_members[wire] = member
            if required:
                req_query.append(wire)
        elif location == "header" and required:
            req_headers.append(wire.lower())
    express_only = bool(
        botocore_adapter.static_context_params(service, name).get("UseS3ExpressControlEndpoint")
    )
    return _Candidate(
        name=name,
        literals=literals,
        required_query=tuple(req_query),
        required_headers=tuple(req_headers),
        query_members=query_members,
        rank=(int(botocore_adapter.is_deprecated(service, name)), int(express_only)),
    )


def _specificity(c: _Candidate) -> tuple[int, int, tuple[int, int], str]:
    return (-len(c.literals), -(len(c.required_query) + len(c.required_headers)), c.rank, c.name)


@functools.cache
def _rest_matcher(service: str) -> _RestMatcher:
    grouped: dict[tuple[str, str], list[_Candidate]] = {}
    for name in botocore_adapter.operation_names(service):
        method, uri = botocore_adapter.http_binding(service, name)
        path_template, _, query_template = uri.partition("?")
        grouped.setdefault((method, path_template), []).append(
            _candidate(service, name, query_template)
        )
    by_method: dict[str, list[tuple[int, str, _Template]]] = {}
    for n, ((method, path_template), cands) in enumerate(sorted(grouped.items())):
        pattern, groups = _template_regex(path_template, f"t{n}")
        marker = f"t{n}_end"
        regex = re.compile(f"^{pattern}$")
        template = _Template(marker, regex, groups, sorted(cands, key=_specificity))
        literal_len = len(_LABEL.sub("", path_template))
        by_method.setdefault(method, []).append((literal_len, pattern, template))
    compiled: dict[str, tuple[re.Pattern[str], dict[str, _Template]]] = {}
    for method, items in by_method.items():
        # Literal-rich templates first, so "/WriteGetObjectResponse" wins over "/{Bucket}".
        items.sort(key=lambda it: (-it[0], it[2].marker))
        alternation = "|".join(f"{pattern}(?P<{t.marker}>)" for _, pattern, t in items)
        compiled[method] = (re.compile(f"^(?:{alternation})$"), {t.marker: t for *_, t in items})
    return _RestMatcher(compiled)


def identify_operation(
    service: str,
    method: str,
    path: str,
    query: Pairs,
    headers: Pairs,
    body: bytes = b"",
) -> OperationMatch | None:
    """The operation a request calls, or None when the model has no such operation.

    `path` is path-style (S3 virtual-hosted requests canonicalised first, see
    awsrec.aws.s3_addressing.canonical_s3) and still percent-encoded; `query` is decoded pairs.
    """
    proto = protocol_of(service)
    if proto in ("rest-xml", "rest-json"):
        return _identify_rest(service, method.upper(), path, query, headers)
    if proto == "json":
        return _identify_json(service, headers)
    if proto == "query":
        return _identify_query(service, query, headers, body)
    return None


def _choose(template: _Template, query: Pairs, headers: Pairs) -> _Candidate | None:
    keys = {k for k, _ in query}
    cands = template.relevant(keys)
    qmap = dict(query)
    header_names = {k.lower() for k, _ in headers}
    fallback: _Candidate | None = None
    tied: list[_Candidate] = []
    for cand in cands:
        if not cand.literals_present(keys, qmap):
            continue
        if cand.fully_present(keys, header_names):
            if not tied and fallback is not None and len(fallback.literals) > len(cand.literals):
                # A request missing a required member still names its operation by its
                # query literals: GET ?attributes without x-amz-object-attributes is
                # GetObjectAttributes (which AWS answers with a validation error).
                return fallback
            if tied and _specificity(cand)[:2] != _specificity(tied[0])[:2]:
                break
            tied.append(cand)
        elif fallback is None and cand.literals:
            fallback = cand
    if not tied:
        return fallback
    if len(tied) > 1:
        return _break_tie(tied, headers)
    return tied[0]


def _break_tie(tied: list[_Candidate], headers: Pairs) -> _Candidate:
    """Choose among operations whose requests look identical.

    (ListBuckets/ListDirectoryBuckets, GetBucketLifecycle/GetBucketLifecycleConfiguration):
    the host decides S3 Express control operations; else the non-deprecated one is chosen.
    """
    host = next((v for k, v in headers if k.lower() == "host"), "")
    express = host.lower().startswith("s3express-control.")
    return min(tied, key=lambda c: (c.rank[0], c.rank[1] != express, c.name))


def _identify_rest(
    service: str, method: str, path: str, query: Pairs, headers: Pairs
) -> OperationMatch | None:
    entry = _rest_matcher(service).by_method.get(method)
    if entry is None:
        return None
    combined, templates = entry
    m = combined.match(path)
    if m is None or m.lastgroup is None:
        return None
    first = templates[m.lastgroup]
    found = _choose(first, query, headers)
    if found is not None:
        return _match(service, found, first, m, query)
    for template in templates.values():  # slow path: another template may still fit
        tm = template.regex.match(path)
        if tm is not None and template is not first:
            found = _choose(template, query, headers)
            if found is not None:
                return _match(service, found, template, tm, query)
    return None


def _match(
    service: str, cand: _Candidate, template: _Template, m: re.Match[str], query: Pairs
) -> OperationMatch:
    labels = {member: unquote(m.group(group)) for group, member in template.groups.items()}
    for key, value in query:
        member = cand.query_members.get(key)
        if member is not None:
            labels.setdefault(member, value)
    return OperationMatch(service, cand.name, labels)


@functools.cache
def _operation_set(service: str) -> frozenset[str]:
    return frozenset(botocore_adapter.operation_names(service))


@functools.cache
def _target_prefix(service: str) -> str:
    return str(botocore_adapter.metadata(service).get("targetPrefix", ""))


def _identify_json(service: str, headers: Pairs) -> OperationMatch | None:
    target = next((v for k, v in headers if k.lower() == "x-amz-target"), None)
    if target is None:
        return None
    prefix, _, name = target.partition(".")
    if prefix != _target_prefix(service) or name not in _operation_set(service):
        return None
    return OperationMatch(service, name, {})


def _identify_query(
    service: str, query: Pairs, headers: Pairs, body: bytes
) -> OperationMatch | None:
    action = next((v for k, v in query if k == "Action"), None)
    if action is None and body:
        form = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
        action = next((v for k, v in form if k == "Action"), None)
    if action is None or action not in _operation_set(service):
        return None
    return OperationMatch(service, action, {})


def equivalent_operations(service: str, name: str) -> frozenset[str]:
    """Operations whose requests are indistinguishable on the wire from `name`'s.

    Same method, path template, query literals and required members: identify_operation
    returns one of them for all.
    """
    for method, (_, templates) in _rest_matcher(service).by_method.items():
        del method
        for template in templates.values():
            for cand in template.candidates:
                if cand.name != name:
                    continue
                same = {
                    c.name
                    for c in template.candidates
                    if c.literals == cand.literals
                    and set(c.required_query) == set(cand.required_query)
                    and set(c.required_headers) == set(cand.required_headers)
                }
                return frozenset(same)
    return frozenset({name})
