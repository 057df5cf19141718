"""`awsrec serve` start-up: bind, build the world, say where to point SDKs, then serve."""

from __future__ import annotations

import logging
import sys

from replayer.server.app import create_app
from replayer.server.config import ServeConfig, check_state_dir
from replayer.server.run import bind, make_server


def serve(config: ServeConfig) -> int:
    """Serve `config` in the foreground until interrupted; returns the exit code."""
    logging.basicConfig(format="awsrec: %(levelname)s: %(message)s", level=logging.WARNING)
    if not config.loopback:
        print(
            f"awsrec: warning: binding {config.host} makes the replay server reachable from "
            "other machines; the admin API still answers loopback clients only"
            + (" and holders of --admin-token" if config.admin_token else ""),
            file=sys.stderr,
        )
    if config.state_dir is not None:
        check_state_dir(config.state_dir)
    sock = bind(config.host, config.port)  # a busy port fails here, before any loading
    port = int(sock.getsockname()[1])
    app = create_app(config)
    recorded = app.recordings.all()
    endpoint = ServeConfig(host=config.host, port=port).endpoint
    modes = "strict" if config.strict else "stateful"
    backend = f"directory {config.state_dir}" if config.state_dir else "memory"
    print(
        f"awsrec serve: {len(app.recordings.cassettes)} cassette(s), {len(recorded)} "
        f"interaction(s); {modes}; state in {backend}; account {config.account}",
        flush=True,
    )
    print(f"listening on {endpoint}", flush=True)
    print(f"export AWS_ENDPOINT_URL={endpoint}", flush=True)
    make_server(app, config).run(sockets=[sock])
    return 0
