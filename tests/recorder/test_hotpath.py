"""recorder.hotpath on mitmproxy's own objects: hooks still behave as mitmproxy's, closed
upstream connections are forgotten, and live ones are kept."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
from mitmproxy import connection, exceptions
from mitmproxy.addons import core
from mitmproxy.proxy.context import Context
from mitmproxy.proxy.layers import http as http_layers
from mitmproxy.proxy.layers.http import GetHttpConnection, HTTPMode, HttpRequestHook
from mitmproxy.test import taddons, tflow

from recorder import hotpath


class Seen:
    """An addon that notes the hooks it gets, under a name of its own."""

    def __init__(self, name: str, log: list[str]) -> None:
        self.name = name
        self.log = log

    def request(self, flow: Any) -> None:
        self.log.append(f"{self.name}.request")


class Parent:
    """An addon with a child addon, as scripts are held by mitmproxy's script loader."""

    def __init__(self, log: list[str]) -> None:
        self.log = log
        self.addons = [Seen("child", log)]

    def request(self, flow: Any) -> None:
        self.log.append("parent.request")


class Fails:
    def request(self, flow: Any) -> None:
        raise RuntimeError("boom")


class Halts:
    def request(self, flow: Any) -> None:
        raise exceptions.AddonHalt


class Awaits:
    def __init__(self, log: list[str]) -> None:
        self.log = log

    async def request(self, flow: Any) -> None:
        await asyncio.sleep(0)
        self.log.append("awaits.request")


def test_every_replacement_applies_to_the_pinned_mitmproxy() -> None:
    assert hotpath.applicable() == {
        "trigger_event",
        "handle_lifecycle",
        "handle_hook",
        "get_connection",
        "fork",
    }


def install(ctx: Any) -> hotpath.HookPlans:
    plans = hotpath.install(ctx.master.addons)
    assert plans is not None
    return plans


def fire(ctx: Any, plans: hotpath.HookPlans) -> None:
    hook = HttpRequestHook(tflow.tflow())
    ctx.master.event_loop.run_until_complete(ctx.master.addons.trigger_event(hook))
    assert "request" in plans.plans  # dispatched by the plans, not mitmproxy's own loop


@pytest.fixture
def ctx() -> Any:
    with taddons.context(loadcore=False) as c:
        yield c


def test_hooks_reach_every_addon_and_its_children_in_chain_order(ctx: Any) -> None:
    log: list[str] = []
    ctx.master.addons.add(core.Core(), Parent(log), Awaits(log), Seen("last", log))
    plans = install(ctx)
    fire(ctx, plans)
    fire(ctx, plans)
    once = ["parent.request", "child.request", "awaits.request", "last.request"]
    assert log == once + once


class Updates:
    def __init__(self, log: list[str]) -> None:
        self.log = log

    def update(self, flows: list[Any]) -> None:
        self.log.append(f"update {len(flows)}")


def test_a_flow_hook_is_followed_by_update_when_an_addon_listens(ctx: Any) -> None:
    log: list[str] = []
    ctx.master.addons.add(Seen("first", log))
    install(ctx)
    hook = HttpRequestHook(tflow.tflow())
    ctx.master.event_loop.run_until_complete(ctx.master.addons.handle_lifecycle(hook))
    ctx.master.addons.add(Updates(log))
    ctx.master.event_loop.run_until_complete(ctx.master.addons.handle_lifecycle(hook))
    assert log == ["first.request", "first.request", "update 1"]


def test_an_addon_error_is_logged_and_the_rest_still_run(
    ctx: Any, caplog: pytest.LogCaptureFixture
) -> None:
    log: list[str] = []
    ctx.master.addons.add(Fails(), Seen("after", log))
    plans = install(ctx)
    with caplog.at_level(logging.ERROR):
        fire(ctx, plans)
    assert log == ["after.request"]
    assert "Addon error: boom" in caplog.text


def test_addon_halt_stops_the_chain(ctx: Any) -> None:
    log: list[str] = []
    ctx.master.addons.add(Halts(), Seen("after", log))
    fire(ctx, install(ctx))
    assert log == []


def test_addons_added_or_removed_later_are_seen(ctx: Any) -> None:
    log: list[str] = []
    first = Seen("first", log)
    ctx.master.addons.add(first)
    plans = install(ctx)
    fire(ctx, plans)
    ctx.master.addons.add(Seen("second", log))
    ctx.master.addons.remove(first)
    fire(ctx, plans)
    assert log == ["first.request", "second.request"]
    assert install(ctx) is plans  # a reloaded script does not wrap twice


def server(state: connection.ConnectionState) -> connection.Server:
    conn = tflow.tserver_conn()
    conn.state = state
    return conn


def test_closed_upstream_connections_are_forgotten_live_ones_kept() -> None:
    with taddons.context() as ctx:
        layer = http_layers.HttpLayer(Context(tflow.tclient_conn(), ctx.options), HTTPMode.regular)
        closed = [server(connection.ConnectionState.CLOSED) for _ in range(50)]
        live = server(connection.ConnectionState.OPEN)
        opening = server(connection.ConnectionState.CLOSED)
        layer.context.server = server(connection.ConnectionState.CLOSED)
        for conn in [*closed, live, opening, layer.context.server]:
            layer.connections[conn] = layer
        layer.waiting_for_establishment[opening].append(None)  # type: ignore[arg-type]
        hotpath.install(ctx.master.addons)
        request = GetHttpConnection(("example.com", 80), False, None)
        http_layers.HttpLayer.get_connection(layer, request)
        assert set(layer.connections) == {live, opening, layer.context.server}


def test_a_forked_context_shares_the_connections_and_copies_the_layer_stack() -> None:
    with taddons.context() as ctx:
        hotpath.install(ctx.master.addons)
        parent = Context(tflow.tclient_conn(), ctx.options)
        parent.server = tflow.tserver_conn()
        parent.layers = ["outer"]  # type: ignore[list-item]
        forked = parent.fork()
        forked.layers.append("inner")  # type: ignore[arg-type]
        assert type(forked) is Context
        assert (forked.client, forked.server, forked.options) == (
            parent.client,
            parent.server,
            parent.options,
        )
        assert (parent.layers, forked.layers) == (["outer"], ["outer", "inner"])
