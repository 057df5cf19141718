"""`awsrec record` refuses bad options before it starts anything, in one line."""

from __future__ import annotations

from pathlib import Path

from tests.recorder.helpers import awsrec_record, child_env

BAD_RULES = """
rules:
  - {where: header, match: Date, replace: "<date>"}
  - {where: somewhere, match: x, replace: "<noise:N>"}
"""


def test_a_bad_rules_file_stops_the_recording_before_cmd_runs(moto: str, tmp_path: Path) -> None:
    rules = tmp_path / "bad-rules.yaml"
    rules.write_text(BAD_RULES, encoding="utf-8")
    out = tmp_path / "out.awsrec"
    cmd = ["python", "-c", "print('cmd ran')"]
    args = ["--out", str(out), "--upstream", moto, "--rules", str(rules), "--", *cmd]
    done = awsrec_record(args, child_env(tmp_path), tmp_path)
    # A RulesError, as for `awsrec diff --rules`: exit 3, one line naming file, rule and field.
    assert done.returncode == 3, done.stderr
    assert done.stderr.splitlines() == [
        f"awsrec: error: {rules}: rule 1: field 'where': 'somewhere' is not one of "
        "header, query, path-regex, xml-path, json-path, body-regex"
    ]
    assert "cmd ran" not in done.stdout
    assert not out.exists()
