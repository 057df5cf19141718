"""Per-flow costs of mitmproxy 11 that recording does not need to pay, removed in the child.

mitmproxy is pinned to 11.x (pyproject.toml), whose internals these replacements rely on. They
are installed only inside the mitmdump child, each only where its target still has the shape it
was written for (`applicable`), and `tests/recorder/test_hotpath.py` checks that all apply to
the installed mitmproxy and behave as what they replace.

With `-O` (no per-message type checks) and Lean's trimming, they bring the recorder's proxy to
about 45% of a plain mitmdump's CPU per request (benchmarks/record_overhead.py, upstream moto).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Generator
from typing import Any

from mitmproxy import addonmanager, connection, exceptions, flow, hooks
from mitmproxy.proxy import mode_servers
from mitmproxy.proxy.context import Context
from mitmproxy.proxy.layers import http as http_layers

Plan = list[list[Callable[..., Any]]]


class HookPlans:
    """`AddonManager.trigger_event` with each hook's callables found once, not on every event.

    mitmproxy looks every hook up anew on every event: for each addon in the chain it walks the
    addon's children, `getattr`s the hook's name and enters a generator-based context manager,
    and `handle_lifecycle` follows each flow hook with an `update` hook that does the same. A
    recorded exchange fires four flow hooks (and four updates) over about a dozen addons, ~0.4 ms
    of CPU per exchange on this machine; most of those hooks have no listener at all here. The
    addon chain changes only through `register` and `remove` (script loading, Lean's trimming),
    so those clear the plans; everything else (error isolation per addon, AddonHalt, async
    hooks) behaves as in `trigger_event`.
    """

    def __init__(self, manager: addonmanager.AddonManager) -> None:
        self.manager = manager
        self.plans: dict[str, Plan] = {}
        register, remove = manager.register, manager.remove

        def register_and_replan(addon: Any) -> Any:
            self.plans.clear()
            return register(addon)  # type: ignore[no-untyped-call]

        def remove_and_replan(addon: Any) -> None:
            self.plans.clear()
            remove(addon)  # type: ignore[no-untyped-call]

        manager.register = register_and_replan  # type: ignore[method-assign]
        manager.remove = remove_and_replan  # type: ignore[method-assign]
        manager.trigger_event = self.trigger_event  # type: ignore[method-assign]
        manager.handle_lifecycle = self.handle_lifecycle  # type: ignore[method-assign]

    def plan(self, name: str) -> Plan:
        """Per addon in the chain that handles `name`: its callables and its children's."""
        plan = self.plans.get(name)
        if plan is None:
            plan = []
            for top in self.manager.chain:
                funcs = [
                    func
                    for addon in addonmanager.traverse([top])  # type: ignore[no-untyped-call]
                    # Modules are skipped as mitmproxy does (an addon that imports `log`).
                    if callable(func := getattr(addon, name, None)) and not inspect.ismodule(func)
                ]
                if funcs:
                    plan.append(funcs)
            self.plans[name] = plan
        return plan

    def heard(self, name: str) -> bool:
        """Whether any addon would see hook `name` (or the update after it)."""
        return bool(self.plan(name) or self.plan("update"))

    async def handle_lifecycle(self, event: hooks.Hook) -> None:
        """A hook, then `update` for its flow: only when some addon listens to updates."""
        await self.trigger_event(event)
        if self.plan("update"):
            message = event.args()[0]
            if isinstance(message, flow.Flow):
                await self.trigger_event(hooks.UpdateHook([message]))

    async def trigger_event(self, event: hooks.Hook) -> None:
        plan = self.plan(event.name)
        if not plan:  # most hooks: no addon of the recorder's chain handles them
            return
        args = event.args()
        for funcs in plan:
            try:
                with addonmanager.safecall():
                    for func in funcs:
                        result = func(*args)
                        if result is not None and inspect.isawaitable(result):
                            await result
            except exceptions.AddonHalt:
                return


_handle_hook = mode_servers.ProxyConnectionHandler.handle_hook
_plans: HookPlans | None = None


async def handle_hook_heard(self: mode_servers.ProxyConnectionHandler, hook: Any) -> None:
    """ProxyConnectionHandler.handle_hook, skipped for a hook no addon would see.

    An unheard hook (requestheaders, responseheaders, server_connected, ...) cannot change or
    pause its flow, so it needs neither the watchdog's disarming nor a wait for resumption.
    """
    if _plans is None or _plans.heard(hook.name):
        await _handle_hook(self, hook)


_get_connection = http_layers.HttpLayer.get_connection


def get_connection_pruned(
    self: http_layers.HttpLayer, event: Any, *, reuse: bool = True
) -> Generator[Any, Any, None]:
    """HttpLayer.get_connection, after forgetting the server connections that have closed.

    mitmproxy keeps every server connection a client connection ever used in
    `HttpLayer.connections` and scans them all, closed ones included, for each new request. An
    upstream that closes after each answer (moto's server does; AWS after a while) makes that
    scan grow with every request on a keep-alive SDK connection: after a few thousand
    requests it was 39% of the proxy's CPU. A closed connection gets no more events (its reader
    task has ended), and nothing waiting for it to open is dropped.
    """
    closed = [
        conn
        for conn in self.connections
        if isinstance(conn, connection.Server)
        and conn.state is connection.ConnectionState.CLOSED
        and conn is not self.context.server
        and conn not in self.waiting_for_establishment
    ]
    for conn in closed:
        del self.connections[conn]
    return _get_connection(self, event, reuse=reuse)


def fork_context(self: Context) -> Context:
    """Context.fork without building a Server object only to throw it away.

    `Context.__init__` makes a placeholder `Server` (a uuid4, a dozen checked attribute
    writes) that `fork` replaces at once; a flow forks three or four contexts (~50 us).
    """
    forked = Context.__new__(Context)
    forked.client, forked.options, forked.server = self.client, self.options, self.server
    forked.layers = self.layers.copy()
    return forked


# What each replacement assumes of mitmproxy: the parameters of what it replaces or calls.
# Another mitmproxy (the pin is >=11,<12) whose internals moved is run as it comes.
EXPECTED: dict[str, tuple[Callable[..., Any], list[str]]] = {
    "trigger_event": (addonmanager.AddonManager.trigger_event, ["self", "event"]),
    "handle_lifecycle": (addonmanager.AddonManager.handle_lifecycle, ["self", "event"]),
    "handle_hook": (_handle_hook, ["self", "hook"]),
    "get_connection": (_get_connection, ["self", "event", "reuse"]),
    "fork": (Context.__init__, ["self", "client", "options"]),
}


def applicable() -> set[str]:
    """The replacements whose targets look as they do in the mitmproxy they were written for."""
    return {
        name
        for name, (func, params) in EXPECTED.items()
        if list(inspect.signature(func).parameters) == params
    }


def install(manager: addonmanager.AddonManager) -> HookPlans | None:
    """Apply them inside the mitmdump child, once however often the addon script is loaded."""
    usable = applicable()
    if "get_connection" in usable:
        http_layers.HttpLayer.get_connection = get_connection_pruned  # type: ignore[method-assign]
    if "fork" in usable:
        Context.fork = fork_context  # type: ignore[method-assign]
    if not {"trigger_event", "handle_lifecycle"} <= usable:
        return None
    global _plans
    plans = getattr(manager.trigger_event, "__self__", None)
    _plans = plans if isinstance(plans, HookPlans) else HookPlans(manager)
    if "handle_hook" in usable:
        mode_servers.ProxyConnectionHandler.handle_hook = handle_hook_heard  # type: ignore[method-assign]
    return _plans
