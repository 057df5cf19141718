"""Regenerate the shipped cassettes: every built-in scenario recorded against a moto server.

    python scripts/record_cassettes.py [--out cassettes] [--seed 8] [--skip large,moto-steered]

Starts its own moto server on a free loopback port (never anything else), records one cassette
per scenario under OUT/<service>/<feature>/, checks that moto holds nothing afterwards, and
rewrites the list of moto-vs-AWS-documentation divergences in OUT/README.md.

Left out by default (SKIP): `large` scenarios (5 MiB parts, a 6 MB payload) and `moto-steered`
ones, whose later requests follow an answer where moto departs from AWS, so a moto recording
would not replay request for request against `awsrec serve --strict` (each is listed with its
reason in cassettes/README.md).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import replace
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from awsrec.atomic import atomic_write_bytes  # noqa: E402
from recorder.session import RecordOptions, make_settings, record_once  # noqa: E402
from scenarios.context import Divergence  # noqa: E402
from scenarios.record import report, scenario_workload  # noqa: E402
from scenarios.registry import SERVICES, parse_skip, select  # noqa: E402
from scenarios.runner import DEFAULT_SEED, Result  # noqa: E402
from scenarios.upstream import leftovers  # noqa: E402

START, END = "<!-- divergences:start -->", "<!-- divergences:end -->"
SKIP = "large,moto-steered"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def moto_server() -> Iterator[str]:
    """A moto server child on loopback, Lambda without docker (it answers Invoke itself)."""
    port = _free_port()
    env = {**os.environ, "MOTO_ALLOW_NONEXISTENT_REGION": "true"}
    cmd = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            with contextlib.suppress(OSError):
                urllib.request.urlopen(f"{url}/moto-api/", timeout=2).close()
                break
            time.sleep(0.1)
        config = json.dumps({"lambda": {"use_docker": False}}).encode()
        urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/config", config)).close()
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


def divergence_lines(found: list[Divergence]) -> list[str]:
    lines = [
        "| scenario | operation | AWS documents | moto answered | reference |",
        "|---|---|---|---|---|",
    ]
    for d in found:
        lines.append(f"| `{d.scenario}` | {d.operation} | {d.expected} | {d.got} | {d.ref} |")
    return lines


def rewrite_readme(readme: Path, found: list[Divergence]) -> None:
    text = readme.read_text(encoding="utf-8") if readme.exists() else f"{START}\n{END}\n"
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    body = "\n".join(divergence_lines(found))
    atomic_write_bytes(readme, f"{head}{START}\n{body}\n{END}{tail}".encode())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "cassettes")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--skip", default=SKIP, help=f"tags left out (default: {SKIP})")
    args = parser.parse_args()
    os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
                      AWS_DEFAULT_REGION="us-east-1", AWS_REGION="us-east-1")  # fmt: skip
    os.environ["NO_PROXY"] = "127.0.0.1,localhost"
    chosen = select("all", parse_skip(args.skip))
    for service in SERVICES:  # stale cassettes of renamed scenarios must not linger
        shutil.rmtree(args.out / service, ignore_errors=True)
    results: list[Result] = []
    with moto_server() as url, tempfile.TemporaryDirectory(prefix="awsrec-cassettes-") as tmp:
        opts = RecordOptions(out=args.out, upstream=url, split_by="header")
        settings = make_settings(opts, Path(tmp) / "mitmproxy")
        settings = replace(settings, upstream_identity=f"moto-server {version('moto')}")
        workload = scenario_workload(chosen, args.seed, url, report, results)
        code = record_once(settings, None, Path(tmp), workload)
        left = leftovers(url)
    if left:
        print(f"moto still holds {left}", file=sys.stderr)
        code = code or 1
    rewrite_readme(args.out / "README.md", [d for r in results for d in r.divergences])
    files = list(args.out.rglob("*.awsrec"))
    size = sum(f.stat().st_size for f in files)
    print(f"{len(files)} cassettes, {size / 1e6:.2f} MB, exit {code}")
    return code


if __name__ == "__main__":
    sys.exit(main())
