"""JUnit XML: one testsuite per target, one testcase per interaction; failures carry the diff."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from replayer.diff.reports.document import Document, items, summary, targets


def render_junit(doc: Document) -> str:
    root = ET.Element("testsuites", name="awsrec diff")
    for t in targets(doc):
        s = summary(t)
        cases = items(t, "interactions")
        suite = ET.SubElement(root, "testsuite", name=str(t["name"]), tests=str(len(cases)))
        failures = errors = 0
        for r in cases:
            case = ET.SubElement(
                suite, "testcase",
                classname=f"{t['name']}.{r['service']}.{r['operation']}",
                name=f"{r['cassette']}#{r['seq']} {r['operation']}",
            )  # fmt: skip
            if r.get("error"):
                errors += 1
                ET.SubElement(case, "error", message=str(r["error"])).text = str(r["error"])
            elif not r["passed"]:
                failures += 1
                diffs = items(r, "differences")
                first = next(d for d in diffs if d["severity"] in ("critical", "major"))
                failure = ET.SubElement(
                    case, "failure", type=str(first["severity"]),
                    message=f"{first['severity']} {first['kind']} at {first['where']}",
                )  # fmt: skip
                failure.text = "\n".join(
                    f"{d['severity']} {d['kind']} at {d['where']}: "
                    f"{d['expected']!r} -> {d['actual']!r}" for d in diffs
                )  # fmt: skip
        suite.set("failures", str(failures))
        suite.set("errors", str(errors))
        suite.set("fidelity", str(s.get("fidelity")))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
