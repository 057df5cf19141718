"""Rules files: validated at start, with the line and field of any mistake."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from awsrec.errors import RulesError
from replayer.server.faults import load_rules
from replayer.server.faults.schema import Cut, Delay

GOOD = """\
seed: 42
rules:
  - id: slow-puts
    match: {service: s3, operation: [PutObject, UploadPart], bucket: "up-*"}
    when: {probability: 0.1}
    do: {error: {code: SlowDown, retry_after: 1}}
  - match: {service: dynamodb, operation: BatchWriteItem, table: "orders*"}
    when: {first: 2}
    do: {unprocessed: 0.5}
  - match: {service: s3, operation: GetObject}
    do: {reset: {after_bytes: 1 KiB}, delay: {ms: 50, jitter: lognormal, sigma: 0.3}}
"""


def write(tmp_path: Path, text: str, name: str = "faults.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_good_file_loads_with_defaults(tmp_path: Path) -> None:
    rules = load_rules(write(tmp_path, GOOD))
    assert rules.seed == 42
    assert [r.id for r in rules.rules] == ["slow-puts", "rule-2", "rule-3"]
    assert rules.rules[0].do.error is not None
    assert rules.rules[0].do.error.retry_after == 1
    assert rules.rules[2].do.cut == Cut(1024, reset=True)
    assert rules.rules[2].do.delay == Delay(50.0, "lognormal", 0.0, 0.3)


def test_json_file_loads(tmp_path: Path) -> None:
    text = '[{"match": {"service": "dynamodb"}, "do": {"error": "ThrottlingException"}}]'
    rules = load_rules(write(tmp_path, text, "faults.json"))
    assert rules.rules[0].do.error is not None
    assert rules.rules[0].do.error.code == "ThrottlingException"


BAD = [
    pytest.param(
        """\
        - match: {service: s3}
          when: {probabilty: 0.5}
          do: {error: SlowDown}
        """,
        "faults.yaml:2: rules[0].when.probabilty: unknown field 'probabilty' "
        "(did you mean 'probability'?)",
        id="misspelt-field",
    ),
    pytest.param(
        """\
        rules:
          - match:
              service: s3
              operation: GetObjekt
            do: reset
        """,
        "faults.yaml:4: rules[0].match.operation: s3 has no operation 'GetObjekt' "
        "(did you mean 'GetObject'?)",
        id="unknown-operation",
    ),
    pytest.param(
        """\
        - do: {error: SlowDown}
        - when: {probability: 1.5}
          do: {error: SlowDown}
        """,
        "faults.yaml:2: rules[1].when.probability: expected a number between 0 and 1, got 1.5",
        id="probability-range",
    ),
    pytest.param(
        """\
        - do:
            error: Slowdown
        """,
        "faults.yaml:2: rules[0].do.error.code: unknown error code 'Slowdown': "
        "did you mean 'SlowDown'?",
        id="unknown-error-code",
    ),
    pytest.param(
        """\
        - match: {service: dynamodb, operation: PutItem}
          do: {unprocessed: 0.5}
        """,
        "faults.yaml:2: rules[0].do.unprocessed: needs match.operation BatchWriteItem",
        id="unprocessed-needs-batch",
    ),
    pytest.param(
        """\
        - id: a
          do: reset
        - id: a
          do: reset
        """,
        "faults.yaml:3: rules[1].id: duplicate rule id 'a'",
        id="duplicate-id",
    ),
    pytest.param(
        """\
        - do: {error: SlowDown, reset: before_headers}
        """,
        "faults.yaml:1: rules[0].do.reset: choose one of error, reset",
        id="two-exclusive-actions",
    ),
    pytest.param(
        """\
        - match: {service: s3
          do: reset
        """,
        "faults.yaml:2: not valid YAML",
        id="yaml-syntax",
    ),
    pytest.param(
        """\
        - do: {bandwidth: "1 furlong"}
        """,
        "faults.yaml:1: rules[0].do.bandwidth: expected bytes like 65536 or '1 MiB'",
        id="bad-size",
    ),
    pytest.param(
        """\
        - match: {service: s4}
          do: reset
        """,
        "faults.yaml:1: rules[0].match.service: unknown AWS service 's4'",
        id="unknown-service",
    ),
]


@pytest.mark.parametrize(("text", "message"), BAD)
def test_bad_rules_name_line_and_field(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(RulesError) as caught:
        load_rules(path)
    assert str(caught.value).startswith(f"{tmp_path}/{message}")


def test_bad_json_names_line(tmp_path: Path) -> None:
    path = write(tmp_path, '[\n  {"do": {"reset": "sideways"}}\n]\n', "faults.json")
    with pytest.raises(RulesError) as caught:
        load_rules(path)
    assert str(caught.value).startswith(f"{path}:2: rules[0].do.reset: expected before_headers")


def test_serve_rejects_bad_rules_file_with_one_line_exit_3(tmp_path: Path) -> None:
    path = write(tmp_path, "- do:\n    delay: {ms: 10, jiter: uniform}\n", "bad.yaml")
    proc = subprocess.run(
        [sys.executable, "-m", "awsrec", "serve", "--port", "0", "--faults", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 3
    lines = proc.stderr.strip().splitlines()
    assert lines == [
        f"awsrec: error: {path}:2: rules[0].do.delay.jiter: unknown field 'jiter' "
        "(did you mean 'jitter'?)"
    ]
