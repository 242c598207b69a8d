"""Graph events through NATS with two real binaries: two `gestalt serve
--graph-events-nats` on one nats-server stream each other's graph API writes
on /api/graph/events/stream, each event exactly once (no echo loop)."""
import json
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.request

from conftest import free_port, wait_for, get_json


def post(url, body):
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST", headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as r:
        return r.status


def metric(server, sample):
    with urllib.request.urlopen(server.url + "/metrics", timeout=10) as r:
        for line in r.read().decode().splitlines():
            if line.startswith(sample + " "):
                return float(line.split(" ")[1])
    return None


class NATSServer:
    def __init__(self):
        self.port, self.monitor = free_port(), free_port()
        self.dir = tempfile.mkdtemp(prefix="gestalt-sys-nats-")
        self.start()

    def start(self):
        """Starts it, again on the same ports after `terminate`."""
        nats = shutil.which("nats-server") or "/usr/sbin/nats-server"
        self.proc = subprocess.Popen(
            [nats, "-a", "127.0.0.1", "-p", str(self.port), "-m", str(self.monitor)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=self.dir,
        )
        wait_for("nats-server monitoring", self.varz)

    def terminate(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)

    def varz(self):
        try:
            return get_json(f"http://127.0.0.1:{self.monitor}/varz")
        except OSError:
            return None

    def graph_subscribers(self):
        """Connections subscribed to graph.> (each gestalt bridge is one)."""
        connz = get_json(f"http://127.0.0.1:{self.monitor}/connz?subs=1")
        return sum(1 for c in connz.get("connections", []) if "graph.>" in (c.get("subscriptions_list") or []))

    def stop(self):
        self.terminate()
        shutil.rmtree(self.dir, ignore_errors=True)


class GraphStream:
    """Reads /api/graph/events/stream on a thread of its own; `events` holds (id, event, data)."""

    def __init__(self, server):
        self.response = urllib.request.urlopen(server.url + "/api/graph/events/stream", timeout=60)
        self.events, self.lock = [], threading.Lock()
        self.connected, self.closing = threading.Event(), False
        threading.Thread(target=self.read, daemon=True).start()
        assert self.connected.wait(10), "no connected event"

    def read(self):
        block = {}
        try:
            for raw in self.response:
                line = raw.decode().rstrip("\n")
                if line == "":
                    if block.get("event") == "connected":
                        self.connected.set()
                    elif block.get("event", "").startswith("graph."):
                        with self.lock:
                            self.events.append((block.get("id"), block["event"], json.loads(block["data"])))
                    block = {}
                elif not line.startswith(":") and ":" in line:
                    field, value = line.split(":", 1)
                    block[field] = value[1:] if value.startswith(" ") else value
        except Exception:
            # close() pulls the socket from under the read; anything else is a real failure.
            if not self.closing:
                raise

    def node_ids(self):
        with self.lock:
            return [data.get("node_id") for _, _, data in self.events]

    def snapshot(self):
        with self.lock:
            return list(self.events)

    def close(self):
        self.closing = True
        self.response.close()


def test_two_servers_on_one_nats_stream_each_others_graph_writes(server_factory):
    nats = NATSServer()
    streams = []
    try:
        url = f"nats://127.0.0.1:{nats.port}"
        a = server_factory("--graph-events-nats", url, "--no-layout", "--demo-rate", "0")
        b = server_factory("--graph-events-nats", url, "--no-layout", "--demo-rate", "0")
        wait_for("both bridges subscribed to graph.>", lambda: nats.graph_subscribers() == 2)
        sa, sb = GraphStream(a), GraphStream(b)
        streams = [sa, sb]

        # Each write waits until both streams show it, so the order is known.
        for server, node in [(a, "api:from-a"), (b, "api:from-b"), (a, "api:last")]:
            assert post(server.url + "/api/graph/nodes", {"id": node, "name": node[4:], "namespace": "shop"}) == 201
            wait_for(node + " on both streams", lambda: node in sa.node_ids() and node in sb.node_ids())

        # The last write arrived after the others everywhere: any echo of them
        # would have come before it. Each stream has each event once, in order,
        # numbered in its own server's sequence.
        for stream in streams:
            events = stream.snapshot()
            assert [data["node_id"] for _, _, data in events] == ["api:from-a", "api:from-b", "api:last"]
            assert [event for _, event, _ in events] == ["graph.node.created"] * 3
            assert [id for id, _, _ in events] == ["1", "2", "3"]
            assert all(data["project_id"] == "shop" for _, _, data in events)

        # NATS carried exactly the three writes: no server republished what it received.
        assert nats.varz()["in_msgs"] == 3
        assert metric(a, "gestalt_graph_events_published_total") == 2
        assert metric(b, "gestalt_graph_events_published_total") == 1
        for server in (a, b):
            assert metric(server, "gestalt_graph_events_received_total") == 3
            assert metric(server, 'gestalt_graph_events_dropped_total{reason="outbox_full"}') == 0
    finally:
        for stream in streams:
            stream.close()
        nats.stop()


def test_both_bridges_reconnect_after_a_nats_restart(server_factory):
    nats = NATSServer()
    streams = []
    try:
        url = f"nats://127.0.0.1:{nats.port}"
        a = server_factory("--graph-events-nats", url, "--no-layout", "--demo-rate", "0")
        b = server_factory("--graph-events-nats", url, "--no-layout", "--demo-rate", "0")
        wait_for("both bridges subscribed to graph.>", lambda: nats.graph_subscribers() == 2)
        sa, sb = GraphStream(a), GraphStream(b)
        streams = [sa, sb]

        def write(server, node):
            assert post(server.url + "/api/graph/nodes", {"id": node, "name": node[4:], "namespace": "shop"}) == 201

        write(a, "api:before")
        wait_for("api:before on both streams", lambda: "api:before" in sa.node_ids() and "api:before" in sb.node_ids())

        nats.terminate()
        connected = "gestalt_graph_events_nats_connected"
        wait_for("both bridges disconnected", lambda: metric(a, connected) == 0 and metric(b, connected) == 0)
        # The graph API still answers; A's client buffers the event.
        write(a, "api:during")

        nats.start()
        wait_for("both bridges back on graph.>", lambda: nats.graph_subscribers() == 2)
        write(b, "api:after")
        wait_for("api:after on both streams", lambda: "api:after" in sa.node_ids() and "api:after" in sb.node_ids())

        # A re-subscribed before sending what it buffered, so it streams its own
        # outage write. B gets it only if B was back on NATS first: core NATS
        # keeps nothing for a subscriber that is not there (docs/NATS.md).
        assert sa.node_ids() == ["api:before", "api:during", "api:after"]
        assert sb.node_ids() in (["api:before", "api:during", "api:after"], ["api:before", "api:after"])
        for server in (a, b):
            wait_for("one reconnect counted", lambda: metric(server, "gestalt_graph_events_nats_reconnects_total") == 1)
            wait_for("connected again on /metrics", lambda: metric(server, connected) == 1)
            assert metric(server, 'gestalt_graph_events_dropped_total{reason="nats_refused"}') == 0
    finally:
        for stream in streams:
            stream.close()
        nats.stop()
