"""The script `mitmdump -s recorder/addon.py` loads: wires the recorder's addons in order."""

from __future__ import annotations

import os
import sys

# mitmdump imports this file by path; make the project importable whatever the cwd is.
_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from mitmproxy import ctx  # noqa: E402

from recorder import events, hotpath  # noqa: E402
from recorder.credentials import CredentialSource  # noqa: E402
from recorder.handoff import Handoff, Inline, Sender  # noqa: E402
from recorder.lean import Lean  # noqa: E402
from recorder.record import Record  # noqa: E402
from recorder.route import Route  # noqa: E402
from recorder.settings import RecorderSettings  # noqa: E402


class Announce:
    """Tell the launcher where we listen, once mitmproxy's servers are up."""

    def running(self) -> None:
        server = ctx.master.addons.get("proxyserver")  # type: ignore[no-untyped-call]
        addrs = server.listen_addrs() if server is not None else []
        port = int(addrs[0][1]) if addrs else 0
        events.emit(events.Event("listening", port=port))


def _build() -> list[object]:
    settings = RecorderSettings.from_env()
    hotpath.install(ctx.master.addons)
    # Normalise, check for secrets and append: in a writer process, or here (recorder.handoff).
    handoff: Sender = Handoff() if settings.offload else Inline(settings)
    credentials = CredentialSource(settings.upstream_credentials)
    # Order matters: Record snapshots the SDK's request before Route rewrites it.
    wired: list[object] = [Record(handoff, settings.only_aws, settings.split_by == "header")]
    if settings.mode == "endpoint":
        wired.append(Route(credentials, settings.upstream, settings.region))
    # Lean before Announce: the launcher hears `listening` once the chain is trimmed.
    wired += [Lean(), Announce()]
    return wired


addons = _build()
