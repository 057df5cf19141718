"""Trim mitmdump to what recording needs: fewer addons per event, no debug log records."""

from __future__ import annotations

import logging

from mitmproxy import ctx

# mitmproxy dispatches every event (request, response, server_connect, update, ...) to every
# addon in its chain, so each idle addon costs per flow; these do nothing for a recording that
# the launcher configures itself (no maps, replays, auth, saving, flow dumps or onboarding app).
# Measured on mitmdump 11 alone: ~5.6 ms CPU per proxied request with the default chain,
# ~3.1 ms trimmed (with quiet logging and uvloop); see benchmarks/record_overhead.py.
IDLE_ADDONS = (
    "anticache",
    "anticomp",
    "blocklist",
    "browser",
    "commandhistory",
    "comment",
    "cut",
    "disableh2c",
    "dumper",
    "export",
    "mapremote",
    "maplocal",
    "modifybody",
    "modifyheaders",
    "onboarding",
    "proxyauth",
    "readfilestdin",
    "save",
    "savehar",
    "serverplayback",
    "stickyauth",
    "stickycookie",
    "stripdnshttpsrecords",
    "upstreamauth",
    # Rewrites Alt-Svc in reverse mode: the cassette should hold the upstream's header as sent.
    "updatealtsvc",
)


class Lean:
    """Once mitmdump runs, drop the idle addons and stop building debug/info log records."""

    def running(self) -> None:
        manager = ctx.master.addons
        for name in IDLE_ADDONS:
            addon = manager.get(name)  # type: ignore[no-untyped-call]
            if addon is not None:
                manager.remove(addon)  # type: ignore[no-untyped-call]
        # mitmproxy sets the root logger to DEBUG and filters in its terminal handler, so each
        # connection builds several records nobody prints (termlog_verbosity=error).
        logging.getLogger().setLevel(logging.WARNING)
