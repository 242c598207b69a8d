"""Connection tracing (ui/js/trace.js) as drawn, in real headless Chromium:
selecting an entity highlights its upstream and downstream paths and dims
the rest, read back from the scene's GPU records (window.gestalt
`highlight`, `connectionHighlight`); and tracing on a 10k-entity graph
completes (the time is printed, for docs/BENCHMARKS.md, not asserted)."""
import pytest

from conftest import GestaltServer, _require_binary, gestalt, open_page, wait_until

# One script, so the state and the scene are read at one moment while the demo keeps changing.
SELECT_AND_READ = """
const g = window.gestalt, id = arguments[0];
const start = performance.now();
g.select(id);
const ms = performance.now() - start;
const ids = g.entityIds();
const connections = g.connectionIds().map(c => { const x = g.connection(c); return [c, x.source_id, x.target_id]; });
return {
  ms, selected: g.selected(), connections,
  entities: Object.fromEntries(ids.map(i => [i, g.highlight(i)])),
  edges: Object.fromEntries(connections.map(([c]) => [c, g.connectionHighlight(c)])),
};
"""


def trace(connections, start):
    """(entities on the paths, connections on them): what is reachable
    backwards and forwards from `start`, as trace.js defines it."""
    def walk(forward):
        next_of = {}
        for _, s, t in connections:
            a, b = (s, t) if forward else (t, s)
            next_of.setdefault(a, []).append(b)
        seen, stack = set(), [start]
        while stack:
            for b in next_of.get(stack.pop(), []):
                if b != start and b not in seen:
                    seen.add(b)
                    stack.append(b)
        return seen

    up, down = walk(False), walk(True)
    on = [side | {start} for side in (up, down)]
    edges = {c for c, s, t in connections if any(s in side and t in side for side in on)}
    return up | down, edges


def busiest(page):
    """An entity with connections both in and out, the most of them."""
    return page.execute_script("""
        const g = window.gestalt, ins = new Map(), outs = new Map();
        for (const c of g.connectionIds()) {
          const x = g.connection(c);
          outs.set(x.source_id, (outs.get(x.source_id) ?? 0) + 1);
          ins.set(x.target_id, (ins.get(x.target_id) ?? 0) + 1);
        }
        let best = null, most = 0;
        for (const [id, n] of outs) if (ins.has(id) && n + ins.get(id) > most) { best = id; most = n + ins.get(id); }
        return best;""")


def test_selecting_a_node_highlights_its_paths_and_dims_the_rest(page):
    wait_until(lambda: gestalt(page, "connectionCount()") > 10 and busiest(page), 15, message="a graph with paths")
    node = busiest(page)
    seen = page.execute_script(SELECT_AND_READ, node)
    assert seen["selected"] == node
    traced, traced_edges = trace(seen["connections"], node)
    drawn = {i: h for i, h in seen["entities"].items() if h is not None}
    assert drawn[node] == "selected"
    for i, h in drawn.items():
        if i != node:
            assert h == ("traced" if i in traced else "dim"), i
    for c, h in seen["edges"].items():
        if h is not None:
            assert h == ("traced" if c in traced_edges else "dim"), c
    # Both kinds are on screen: a path and something dimmed.
    assert {"traced", "dim"} <= set(drawn.values())
    assert {"traced", "dim"} <= set(seen["edges"].values())

    # Clearing the selection clears every highlight.
    cleared = page.execute_script(SELECT_AND_READ, None)
    assert set(cleared["entities"].values()) - {None} == {"none"}
    assert set(cleared["edges"].values()) - {None} == {"none"}


@pytest.fixture
def large_server():
    _require_binary()
    srv = GestaltServer(extra_args=["--demo-size", "10000", "--demo-rate", "1"]).start(timeout=120)
    yield srv
    srv.stop()


def test_tracing_on_a_10k_entity_graph_completes(driver, large_server):
    page = open_page(driver, large_server, timeout=120)
    wait_until(lambda: gestalt(page, "entityCount()") >= 10000, 120, message="10k entities in the page")
    node = busiest(page)
    seen = page.execute_script(SELECT_AND_READ, node)
    assert seen["selected"] == node and seen["entities"][node] == "selected"
    traced, _ = trace(seen["connections"], node)
    assert all(seen["entities"][i] in ("traced", None) for i in traced)
    # Again, warm, and a pod's (a short trace): select() traces, rewrites every drawn record's highlight and the details panel.
    page.execute_script(SELECT_AND_READ, None)
    warm = page.execute_script(SELECT_AND_READ, node)["ms"]
    pod = page.execute_script("return window.gestalt.entityIds().find(i => window.gestalt.entity(i).kind === 'pod')")
    pod_ms = page.execute_script(SELECT_AND_READ, pod)["ms"]
    print(f"\ntrace {node} on {len(seen['entities'])} entities / {len(seen['connections'])} connections: "
          f"select with trace and highlight {seen['ms']:.1f} ms first, {warm:.1f} ms again ({len(traced)} entities traced); "
          f"a pod {pod_ms:.1f} ms")
