"""Scale-out with real binaries, issue 20's own test (docs/SCALE-OUT.md):
three `gestalt edge` and two `gestalt collect` (two clusters) on one
nats-server with JetStream. Clients spread over the edges converge on the
same map; an edge is stopped and its client resumes on another with no loss
and no duplicate; nats-server restarts and everything recovers."""
import json
import shutil
import tempfile

from conftest import BIN, free_port, get_json
from test_history import ws_updates
from test_scale_out import SSE, Process, ready, stamp, wait_for


def test_three_edges_two_collectors_converge_resume_and_survive_a_nats_restart():
    nats_port, store = free_port(), tempfile.mkdtemp(prefix="gestalt-sys-js3-")
    nats = shutil.which("nats-server") or "/usr/sbin/nats-server"
    processes = [Process(nats, "-a", "127.0.0.1", "-p", str(nats_port), "-js", "-sd", store)]
    try:
        url = f"nats://127.0.0.1:{nats_port}"
        collectors = {"east": free_port(), "west": free_port()}

        def collect(cluster, seed):
            return Process(
                BIN, "collect", "--jetstream", url, "--cluster", cluster, "--checkpoint-interval", "1",
                "--host", "127.0.0.1", "--port", str(collectors[cluster]), "--no-history", "--demo-seed", str(seed))
        for seed, cluster in enumerate(collectors, start=7):
            processes.append(collect(cluster, seed))
        for port in collectors.values():
            wait_for("a collector", lambda: ready(f"http://127.0.0.1:{port}"))
        edge_ports = [free_port() for _ in range(3)]
        edges = {}
        for port in edge_ports:
            edges[port] = Process(
                BIN, "edge", "--jetstream", url, "--stale-after", "2", "--host", "127.0.0.1", "--port", str(port),
                port=port)
            processes.append(edges[port])
        urls = [f"http://127.0.0.1:{port}" for port in edge_ports]
        wait_for("three edges ready", lambda: all(ready(u) for u in urls))

        def both_clusters():
            ids = set()
            for cluster, port in collectors.items():
                topology = get_json(f"http://127.0.0.1:{port}/api/infra/topology")
                ids |= {stamp(e["id"], cluster) for e in topology["entities"]}
            return ids

        def one_map(live):
            maps = [get_json(u + "/api/infra/topology") for u in live]
            if len({m["revision"] for m in maps}) != 1:
                return False
            key = lambda t: sorted(json.dumps(e, sort_keys=True) for e in t["entities"])
            return all(key(m) == key(maps[0]) for m in maps) and len(maps[0]["entities"]) > 100

        # Clients spread over the edges, one each.
        clients = [SSE(port) for port in edge_ports]
        wait_for("the edges to show one map at one revision", lambda: one_map(urls))
        wait_for("the edges to hold both clusters' entities",
                 lambda: {e["id"] for e in get_json(urls[0] + "/api/infra/topology")["entities"]} == both_clusters())
        clusters = {e["id"].split(":")[0].split("@")[-1] for e in get_json(urls[1] + "/api/infra/topology")["entities"]}
        assert clusters == {"east", "west"}
        wait_for("deltas on every edge", lambda: all(len(c.snapshot()) >= 20 for c in clients))

        # Edge 0 dies under its client, which comes back on edge 1; edge 2's client is the reference.
        edges[edge_ports[0]].stop()
        clients[0].close()
        last_id = clients[0].snapshot()[-1][0]
        resumed = SSE(edge_ports[1], last_event_id=last_id)
        wait_for("the resumed stream's first messages", lambda: len(resumed.snapshot()) >= 30)
        assert resumed.connected["resumed"] is True
        got = resumed.snapshot()[:30]
        assert all(json.loads(data)["kind"] != "full" for _, data in got)
        reference = clients[2]
        wait_for("the reference to pass the resumed client", lambda: reference.snapshot()[-1][0] >= got[-1][0])
        expected = [(i, d) for i, d in reference.snapshot() if last_id < i <= got[-1][0]]
        # Exactly what it missed, from both clusters, byte for byte and in order.
        assert [i for i, _ in got] == [i for i, _ in expected]
        assert got == expected
        # A WebSocket resumed from the same id on the third edge (`resume_from`): the same
        # ids and updates, or, being behind by the backlog, an entity's updates coalesced
        # into its last one (docs/STREAMING.md): ids in order, none twice, nothing lost.
        subscribed, over_ws = ws_updates(edges[edge_ports[2]], last_id, 30)
        assert subscribed["resumed"] is True
        ws_last = over_ws[-1]["revision"]
        wait_for("the reference to pass the WebSocket", lambda: reference.snapshot()[-1][0] >= ws_last)
        by_id = {i: json.loads(d) for i, d in reference.snapshot() if last_id < i <= ws_last}
        revisions = [u["revision"] for u in over_ws]
        assert revisions == sorted(set(revisions)) and revisions[0] > last_id
        subject = lambda u: (u.get("entity") or u.get("connection") or {}).get("id")
        for update in over_ws:
            assert subject(update) == subject(by_id[update["revision"]])
            assert update.get("entity") == by_id[update["revision"]].get("entity")
        # What the reference got in that range and the WebSocket did not was coalesced into a
        # later update of the same thing (past the WebSocket's 30th message): not lost.
        missing = {subject(u) for u in by_id.values()} - {subject(u) for u in over_ws}
        wait_for("each coalesced update's later one on the reference", lambda: missing <= {
            subject(json.loads(d)) for i, d in reference.snapshot() if i > ws_last})

        # nats-server restarts (same store): collectors publish again, edges follow again.
        before = [c.snapshot()[-1][0] for c in (resumed, reference)]
        processes[0].stop()
        processes[0] = Process(nats, "-a", "127.0.0.1", "-p", str(nats_port), "-js", "-sd", store)
        for client, mark in zip((resumed, reference), before):
            wait_for("updates after the restart", lambda: sum(i > mark for i, _ in client.snapshot()) >= 20, timeout=90)
        for client in (resumed, reference):
            ids = [i for i, _ in client.snapshot()[1:]]
            assert all(x < y for x, y in zip(ids, ids[1:])), "in order and never twice"
        live = urls[1:]
        wait_for("the two live edges to hold both clusters' entities again",
                 lambda: all({e["id"] for e in get_json(u + "/api/infra/topology")["entities"]} == both_clusters()
                             for u in live), timeout=90)
        wait_for("one map again", lambda: one_map(live), timeout=90)

        # West's collector stops: its entities go stale on every live edge, east's do not.
        west_index = 2  # processes: nats, east, west, edges…
        processes[west_index].stop()

        def cluster_of(entity):
            return entity["id"].split(":")[0].split("@")[-1]

        def stale_split(u):
            entities = get_json(u + "/api/infra/topology")["entities"]
            west = [e.get("stale", False) for e in entities if cluster_of(e) == "west"]
            east = [e.get("stale", False) for e in entities if cluster_of(e) == "east"]
            return west, east
        wait_for("west stale on every live edge", lambda: all(
            all(w) and w and not any(e) for w, e in map(stale_split, live)), timeout=60)
        sources = get_json(live[0] + "/api/infra/sources")
        status = next(s for s in sources if s["name"] == "jetstream")
        assert status["state"] == "degraded" and "west" in status["details"]
        # It comes back (same seed): what it shows again is current everywhere, by itself.
        processes[west_index] = collect("west", 8)
        wait_for("the west collector again", lambda: ready(f"http://127.0.0.1:{collectors['west']}"))

        def west_current(u):
            shown = {stamp(e["id"], "west") for e in get_json(
                f"http://127.0.0.1:{collectors['west']}/api/infra/topology")["entities"]}
            entities = {e["id"]: e for e in get_json(u + "/api/infra/topology")["entities"]}
            return shown and all(i in entities and not entities[i].get("stale", False) for i in shown)
        wait_for("west current again on every live edge", lambda: all(west_current(u) for u in live), timeout=90)
        wait_for("the edges' status ready", lambda: next(
            s for s in get_json(live[0] + "/api/infra/sources") if s["name"] == "jetstream")["state"] == "ready")
        for client in clients[1:] + [resumed]:
            client.close()
    finally:
        for process in reversed(processes):
            process.stop()
        shutil.rmtree(store, ignore_errors=True)
