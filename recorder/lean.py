"""Trim mitmdump to what recording needs: fewer addons per event, no debug log records."""

from __future__ import annotations

import gc
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
    """Once mitmdump runs: drop idle addons, skip unprinted log records, freeze the heap."""

    def running(self) -> None:
        manager = ctx.master.addons
        for name in IDLE_ADDONS:
            addon = manager.get(name)  # type: ignore[no-untyped-call]
            if addon is not None:
                manager.remove(addon)  # type: ignore[no-untyped-call]
        # mitmproxy sets the root logger to DEBUG and filters in its terminal handler, so each
        # connection builds several records nobody prints (termlog_verbosity=error).
        logging.getLogger().setLevel(logging.WARNING)
        # Everything loaded so far lives as long as the process: keep the collector from
        # rescanning it, and run it less often; each flow allocates a few thousand objects, so
        # the default (700) ran a collection several times per request. ~0.2 ms CPU a request.
        gc.freeze()
        gc.set_threshold(20_000, 20, 20)
