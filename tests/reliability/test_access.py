"""Access control: loopback by default, a warning for any other --host, admin API loopback-only."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from replayer.server.admin import Admin
from replayer.server.asgi import Incoming
from tests.reliability.conftest import ServeProcess
from tests.replayer.conftest import ServeFactory, admin
from tests.support.servers import free_port


def _listening_addresses(port: int) -> set[str]:
    """Local addresses with a socket listening on `port`, from /proc/net/tcp (IPv4)."""
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        addr, port_hex = local.split(":")
        if state == "0A" and int(port_hex, 16) == port:  # 0A: LISTEN
            found.add(".".join(str(int(addr[i : i + 2], 16)) for i in (6, 4, 2, 0)))
    return found


def test_binds_loopback_by_default_without_warning(serve_process: Any) -> None:
    server: ServeProcess = serve_process([])
    assert _listening_addresses(server.port) == {"127.0.0.1"}
    assert "warning" not in server.log.read_text()


def test_other_host_warns_before_binding() -> None:
    # 192.0.2.1 (TEST-NET-1, RFC 5737) is assigned to no interface: the warning is printed,
    # then the bind fails, so nothing is ever exposed by this test.
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "awsrec",
            "serve",
            "--host",
            "192.0.2.1",
            "--port",
            str(free_port()),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    lines = done.stderr.splitlines()
    assert lines[0].startswith(
        "awsrec: warning: binding 192.0.2.1 makes the replay server reachable"
    )
    assert lines[1].startswith("awsrec: error: cannot listen on 192.0.2.1:")
    assert done.returncode == 3


def _incoming(client: str, headers: list[tuple[str, str]]) -> Incoming:
    return Incoming("GET", "/_awsrec/state", "/_awsrec/state", [], headers, "h", client)


def test_admin_api_refuses_non_loopback_peers(serve_factory: ServeFactory) -> None:
    # Tests may only connect over 127.0.0.1, so a remote peer is given to the real Admin.
    server = serve_factory()
    gate: Admin = server.app.admin
    assert gate.handle(_incoming("10.1.2.3", [])).status == 403
    assert gate.handle(_incoming("192.0.2.7", [])).status == 403
    assert gate.handle(_incoming("127.0.0.1", [])).status == 200
    assert admin(server.url, "state")[0] == 200


def test_admin_token_admits_any_peer_that_has_it(serve_factory: ServeFactory) -> None:
    server = serve_factory(admin_token="tok-123")
    gate: Admin = server.app.admin
    assert gate.handle(_incoming("10.1.2.3", [("x-awsrec-admin-token", "tok-123")])).status == 200
    assert gate.handle(_incoming("10.1.2.3", [("x-awsrec-admin-token", "nope")])).status == 403
    assert admin(server.url, "state")[0] == 403  # loopback without the token, too
