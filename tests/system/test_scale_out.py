"""Scale-out with real binaries (docs/SCALE-OUT.md): one `gestalt collect`
running the simulator and two `gestalt edge` on one nats-server with
JetStream. The edges converge on the same map under the same ids, and when
one edge is stopped, its SSE client resumes on the other with its
Last-Event-ID and gets exactly what it missed: no loss, no duplicate, no full.
A nats-server restart loses nothing either."""
import http.client
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.request

import conftest
from conftest import BIN, free_port, get_json


def wait_for(what, condition, timeout=60):
    # Three binaries start here: a longer default than conftest's.
    return conftest.wait_for(what, condition, timeout)


class Process:
    def __init__(self, *args, ready_path=None, port=None):
        self.port = port
        # GESTALT_PROCESS_LOGS=DIR keeps each process's output there (to read after a failure).
        logs = os.environ.get("GESTALT_PROCESS_LOGS")
        out = subprocess.DEVNULL
        if logs:
            os.makedirs(logs, exist_ok=True)
            name = f"{len(os.listdir(logs)):02}-{os.path.basename(args[0])}-{args[1]}"
            out = open(os.path.join(logs, f"{name}.log"), "wb")
        self.proc = subprocess.Popen(list(args), stdout=out, stderr=subprocess.STDOUT)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def stamp(ident, cluster):
    """An id as an edge shows it (docs/SCALE-OUT.md, "Ids"): with its cluster."""
    prefix, colon, rest = ident.partition(":")
    if not colon:
        return f"@{cluster}:{ident}"
    return ident if "@" in prefix else f"{prefix}@{cluster}:{rest}"


def ready(url):
    try:
        with urllib.request.urlopen(url + "/readyz", timeout=1) as r:
            return r.status == 200
    except Exception:
        return False


def superseded(data, ident, stream):
    """Whether the message (`ident`, `data`) is an entity `update` that
    `stream` may have coalesced: it holds a later update of the same entity."""
    message = json.loads(data)
    if message.get("kind") != "update" or "entity" not in message:
        return False
    entity = message["entity"]["id"]
    return any(
        i > ident and json.loads(d).get("kind") == "update" and json.loads(d).get("entity", {}).get("id") == entity
        for i, d in stream
    )


class SSE:
    """Reads /api/infra/topology/stream on a thread: (id, data) of each message."""

    def __init__(self, port, last_event_id=None):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Accept": "text/event-stream"}
        if last_event_id is not None:
            headers["Last-Event-ID"] = str(last_event_id)
        self.connection.request("GET", "/api/infra/topology/stream", headers=headers)
        self.response = self.connection.getresponse()
        self.connected = None
        self.messages = []
        self.lock = threading.Lock()
        self.closed = False
        threading.Thread(target=self.read, daemon=True).start()

    def read(self):
        event, ident, data = None, None, None
        try:
            while not self.closed:
                line = self.response.fp.readline()
                if not line:
                    return
                line = line.decode().rstrip("\n")
                if line == "":
                    if event == "connected":
                        self.connected = json.loads(data)
                    elif data is not None:
                        with self.lock:
                            self.messages.append((int(ident), data))
                    event, ident, data = None, None, None
                elif line.startswith("event: "):
                    event = line[7:]
                elif line.startswith("id: "):
                    ident = line[4:]
                elif line.startswith("data: "):
                    data = line[6:]
        except Exception:
            return

    def snapshot(self):
        with self.lock:
            return list(self.messages)

    def close(self):
        self.closed = True
        self.connection.close()


def test_one_collector_two_edges_converge_and_a_client_resumes_on_the_other_edge():
    nats_port, store = free_port(), tempfile.mkdtemp(prefix="gestalt-sys-js-")
    nats = shutil.which("nats-server") or "/usr/sbin/nats-server"
    processes = [Process(nats, "-a", "127.0.0.1", "-p", str(nats_port), "-js", "-sd", store)]
    try:
        url = f"nats://127.0.0.1:{nats_port}"
        collector_port, a_port, b_port = free_port(), free_port(), free_port()
        processes.append(Process(
            BIN, "collect", "--jetstream", url, "--cluster", "sys", "--checkpoint-interval", "1",
            "--host", "127.0.0.1", "--port", str(collector_port), "--no-history", "--demo-seed", "7"))
        wait_for("the collector", lambda: ready(f"http://127.0.0.1:{collector_port}"))
        for port in (a_port, b_port):
            processes.append(Process(
                BIN, "edge", "--jetstream", url, "--cluster", "sys", "--host", "127.0.0.1", "--port", str(port)))
        a, b = f"http://127.0.0.1:{a_port}", f"http://127.0.0.1:{b_port}"
        wait_for("both edges ready", lambda: ready(a) and ready(b))

        # Same ids, same map: both edges reach a common revision with equal entities.
        def same_map():
            first, second = get_json(a + "/api/infra/topology"), get_json(b + "/api/infra/topology")
            if first["revision"] != second["revision"]:
                return False
            key = lambda t: sorted(json.dumps(e, sort_keys=True) for e in t["entities"])
            return key(first) == key(second) and len(first["entities"]) > 50
        wait_for("the edges to show one map at one revision", same_map)
        collector_ids = lambda: {stamp(e["id"], "sys") for e in get_json(f"http://127.0.0.1:{collector_port}/api/infra/topology")["entities"]}
        wait_for("the edges to hold the collector's entities",
                 lambda: {e["id"] for e in get_json(a + "/api/infra/topology")["entities"]} == collector_ids())

        # A reference client stays on edge B the whole time.
        reference = SSE(b_port)
        wait_for("the reference's full", lambda: len(reference.snapshot()) >= 1)
        # A client on edge A reads some deltas.
        leaving = SSE(a_port)
        wait_for("deltas on edge A", lambda: len(leaving.snapshot()) >= 20)
        # Edge A dies under it (SIGTERM, as an orchestrator stops it).
        processes[2].stop()
        leaving.close()
        last_id = leaving.snapshot()[-1][0]
        # It comes back on edge B with its Last-Event-ID.
        resumed = SSE(b_port, last_event_id=last_id)
        wait_for("the resumed stream's first messages", lambda: len(resumed.snapshot()) >= 30)
        assert resumed.connected == {"revision": resumed.connected["revision"], "resumed": True}
        got = resumed.snapshot()[:30]
        assert all(json.loads(data)["kind"] != "full" for _, data in got)
        wait_for("the reference to pass the resumed client", lambda: reference.snapshot()[-1][0] >= got[-1][0])
        expected = [(i, d) for i, d in reference.snapshot() if last_id < i <= got[-1][0]]
        # What the client missed, byte for byte, in order: no loss, no
        # duplicate. The one allowed difference is coalescing (docs/PROTOCOL.md):
        # a stream whose batch held two updates of one entity sends only the
        # later one, and the two streams' batches need not fall alike.
        assert all(x < y for x, y in zip([i for i, _ in got], [i for i, _ in got][1:]))
        assert got[0][0] > last_id
        mine, theirs = dict(got), dict(expected)
        assert all(mine[i] == theirs[i] for i in mine.keys() & theirs.keys())
        for i in mine.keys() ^ theirs.keys():
            dropped_by = reference.snapshot() if i in mine else resumed.snapshot()
            assert superseded(mine.get(i) or theirs[i], i, dropped_by), f"id {i} is on one stream only"
        resumed.close()

        # nats-server restarts (same store): the collector publishes again,
        # edge B follows again, and its client misses nothing meanwhile.
        before = reference.snapshot()[-1][0]
        processes[0].stop()
        processes[0] = Process(nats, "-a", "127.0.0.1", "-p", str(nats_port), "-js", "-sd", store)
        wait_for("updates after the restart", lambda: sum(i > before for i, _ in reference.snapshot()) >= 20)
        ids = [i for i, _ in reference.snapshot()[1:]]
        # In order and never twice. Not every id: a client behind by a burst
        # (the catch-up after the restart) gets an entity's updates coalesced
        # into its last one (docs/STREAMING.md), on an edge as on serve.
        assert all(x < y for x, y in zip(ids, ids[1:]))
        wait_for("edge B to hold the collector's entities again",
                 lambda: {e["id"] for e in get_json(b + "/api/infra/topology")["entities"]} == collector_ids())
        reference.close()
    finally:
        for process in reversed(processes):
            process.stop()
        shutil.rmtree(store, ignore_errors=True)


def test_a_stale_after_past_a_day_is_refused_with_a_clear_error():
    # inf or a huge value would trap converting to milliseconds at start.
    for value in ["inf", "1e300", "86401"]:
        done = subprocess.run(
            [BIN, "edge", "--jetstream", "nats://127.0.0.1:1", "--stale-after", value],
            capture_output=True, text=True, timeout=30)
        assert done.returncode != 0 and done.returncode < 128, (value, done.returncode)
        assert "--stale-after must be at most 86400 seconds" in done.stderr, done.stderr
