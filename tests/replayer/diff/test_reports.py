"""Two targets at once: the matrix, and reports whose numbers agree with the JSON report."""

from __future__ import annotations

import json
import os
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import pytest

from replayer.diff.model import DiffSettings, Target
from replayer.diff.reports import write_reports
from replayer.diff.reports.document import build_document
from replayer.diff.runner import load_sources, run_diff
from tests.replayer.diff.divergent import diverge
from tests.replayer.diff.made import doc_of
from tests.replayer.diff.proxies import proxy


class _Cells(HTMLParser):
    """Collects matrix cells, summary cells, SVG bars and external references."""

    def __init__(self) -> None:
        super().__init__()
        self.matrix: dict[tuple[str, str], dict[str, str]] = {}
        self.summary: dict[tuple[str, str], str] = {}
        self.bars: list[dict[str, str]] = []
        self.external: list[str] = []
        self.tags: set[str] = set()
        self._row: str | None = None
        self._field: tuple[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.tags.add(tag)
        for key in ("src", "href"):
            if a.get(key):
                self.external.append(a[key])
        if tag == "td" and "data-op" in a:
            self.matrix[(a["data-target"], a["data-op"])] = a
        if tag == "tr" and "data-target" in a:
            self._row = a["data-target"]
        if tag == "td" and "data-field" in a and self._row:
            self._field = (self._row, a["data-field"])
        if tag == "rect" and "data-series" in a:
            self.bars.append(a)

    def handle_data(self, data: str) -> None:
        if self._field is not None:
            self.summary[self._field] = data.strip()
            self._field = None


@pytest.fixture
def two_target_doc(cassettes: Path, moto: str) -> dict[str, object]:
    with proxy(moto, diverge) as (url, _):
        targets = (Target("moto", moto), Target("divergent", url))
        runs = run_diff(load_sources([cassettes]), DiffSettings(targets=targets, jobs=2))
    return build_document(runs, label="test", cassettes=["dynamodb", "s3"])


def test_two_targets_produce_the_matrix_and_html_agrees_with_json(
    two_target_doc: dict[str, object], tmp_path: Path
) -> None:
    write_reports(two_target_doc, tmp_path, ("json", "html", "md", "junit"))
    doc = json.loads((tmp_path / "fidelity.json").read_text())
    assert doc["schema"] == "awsrec-diff/1"
    moto_t, div_t = doc["targets"]
    assert moto_t["summary"] == {"passed": 22, "compared": 22, "fidelity": 100.0}
    assert div_t["summary"]["compared"] == 22
    assert div_t["summary"]["passed"] == 15
    assert div_t["severities"]["critical"] == 2

    page = _Cells()
    page.feed((tmp_path / "fidelity.html").read_text())
    assert page.external == []  # self-contained: no src/href to anything
    assert {"svg", "table", "details", "style"} <= page.tags
    for t in doc["targets"]:
        for op, score in t["operations"].items():
            cell = page.matrix[(t["name"], op)]
            assert float(cell["data-fidelity"]) == score["fidelity"]
            assert (int(cell["data-passed"]), int(cell["data-compared"])) == (
                score["passed"], score["compared"])  # fmt: skip
        assert page.summary[(t["name"], "passed")] == str(t["summary"]["passed"])
        assert page.summary[(t["name"], "fidelity")] == f"{t['summary']['fidelity']:.2f}%"
        for sev, n in t["severities"].items():
            assert page.summary[(t["name"], sev)] == str(n)
    assert len(page.matrix) == 2 * len(moto_t["operations"])
    overall = {b["data-series"]: b for b in page.bars if b["data-group"] == "overall"}
    assert set(overall) == {"moto", "divergent"}

    suites = ElementTree.parse(tmp_path / "junit.xml").getroot()
    by_name = {s.get("name"): s for s in suites}
    assert by_name["divergent"].get("failures") == "7"
    assert by_name["moto"].get("failures") == "0"
    assert len(by_name["divergent"].findall("testcase")) == 22
    markdown = (tmp_path / "fidelity.md").read_text()
    assert "| divergent | 68.18% | 15 / 22 | 2 |" in markdown


def test_report_files_are_replaced_whole_never_rewritten_in_place(tmp_path: Path) -> None:
    formats = ("json", "md", "html", "junit")
    first = write_reports(doc_of("v1", [True]), tmp_path, formats)
    for path in first:  # what a reader (a CI upload, a browser) holds open: the old inode
        os.link(path, tmp_path / f"reader-{path.name}")
    write_reports(doc_of("v2", [False]), tmp_path, formats)
    assert json.loads((tmp_path / "reader-fidelity.json").read_text())["label"] == "v1"
    assert json.loads((tmp_path / "fidelity.json").read_text())["label"] == "v2"
    for path in first:
        assert (tmp_path / f"reader-{path.name}").read_bytes() != path.read_bytes()
