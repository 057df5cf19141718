"""Normalisation rules (as data), built-in rule sets and the secret scanner."""

from awsrec.normalize.learn import learn_noise
from awsrec.normalize.normaliser import Normaliser
from awsrec.normalize.placeholders import PLACEHOLDER_RE, REDACTED, PlaceholderTable
from awsrec.normalize.redact import redact_secrets
from awsrec.normalize.rules import (
    Rule,
    RuleSet,
    builtin_rules,
    dump_rules_file,
    load_rules_file,
)
from awsrec.normalize.scanner import SecretScanner

__all__ = [
    "PLACEHOLDER_RE",
    "REDACTED",
    "Normaliser",
    "PlaceholderTable",
    "Rule",
    "RuleSet",
    "SecretScanner",
    "builtin_rules",
    "dump_rules_file",
    "learn_noise",
    "load_rules_file",
    "redact_secrets",
]
