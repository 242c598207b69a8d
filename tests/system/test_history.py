"""History through the real binary: survives kill -9, resumes above every
revision a client may have seen, and answers from the recorded past."""
import base64
import json
import os
import socket
import struct
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

from conftest import wait_for

BIN = os.environ.get("GESTALT_BIN", os.path.join(os.path.dirname(__file__), "../../.build/debug/gestalt"))


def get(url):
    """(status, parsed JSON body) for a GET, errors included."""
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as e:
        return e.code, json.load(e)


def stream_opening(server, last_event_id):
    """The `connected` event's data and the first topology update of a resumed stream."""
    request = urllib.request.Request(server.url + "/api/infra/topology/stream", headers={"Last-Event-ID": str(last_event_id)})
    connected = None
    with urllib.request.urlopen(request, timeout=10) as r:
        while True:
            line = r.readline().decode()
            if line.startswith("data:"):
                data = json.loads(line[5:])
                if "kind" in data:
                    return connected, data
                connected = data


def sse_updates(server, last_event_id, count):
    """The `connected` data and the first `count` updates of a stream resumed at `last_event_id`."""
    request = urllib.request.Request(server.url + "/api/infra/topology/stream", headers={"Last-Event-ID": str(last_event_id)})
    connected, updates = None, []
    with urllib.request.urlopen(request, timeout=10) as r:
        while len(updates) < count:
            line = r.readline().decode()
            if line.startswith("data:"):
                data = json.loads(line[5:])
                if "kind" in data:
                    updates.append(data)
                else:
                    connected = data
    return connected, updates


def ws_updates(server, resume_from, count):
    """The `subscribed` payload and the first `count` topology payloads of a WebSocket resumed at `resume_from`."""
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(("GET /api/infra/ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n" % key).encode())
    reader = sock.makefile("rb")
    assert b" 101 " in reader.readline()
    while reader.readline() not in (b"\r\n", b""):
        pass
    body = json.dumps({"type": "subscribe", "payload": {"channels": ["topology"], "resume_from": str(resume_from)}}).encode()
    mask = os.urandom(4)
    sock.sendall(bytes([0x81, 0x80 | 126]) + struct.pack(">H", len(body)) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(body)))
    subscribed, updates, data = None, [], b""
    while len(updates) < count:
        head = reader.read(2)
        length = head[1] & 0x7F
        if length == 126:
            length = struct.unpack(">H", reader.read(2))[0]
        elif length == 127:
            length = struct.unpack(">Q", reader.read(8))[0]
        payload = reader.read(length)
        if head[0] & 0x0F not in (0, 1):
            continue
        # Large messages come in fragments: gather them up to the final one.
        data += payload
        if not head[0] & 0x80:
            continue
        message, data = json.loads(data), b""
        if message["type"] == "subscribed":
            subscribed = message["payload"]
        elif message["type"] == "topology":
            updates.append(message["payload"])
    sock.close()
    return subscribed, updates


def durable_seen(server):
    """A revision that was streamed and that history has made durable."""
    seen = get(server.url + "/api/infra/topology")[1]["revision"]
    wait_for("revision %d to be durable" % seen, lambda: get(server.url + "/api/infra/topology?at=%d" % seen)[0] == 200)
    return seen


def test_a_kill_9_loses_no_durable_revision_and_clients_resume_exactly_over_sse_and_ws(server_factory):
    with tempfile.TemporaryDirectory() as data_dir:
        check_kill_9_resume(server_factory, "--data-dir", data_dir)


def check_kill_9_resume(server_factory, *place):
    """The crash test on any backend: `place` says where history is kept."""
    if True:
        first = server_factory(*place, "--demo-seed", "3", "--demo-rate", "50")
        seen = durable_seen(first)
        # More revisions streamed, and made durable, between batches.
        wait_for("the simulator to move on", lambda: get(first.url + "/api/infra/topology")[1]["revision"] > seen + 20)
        later = durable_seen(first)
        missed = get(first.url + "/api/infra/topology/changes?from=%d&to=%d&limit=10000" % (seen, later))[1]["updates"]
        assert missed and not [u for u in missed if u["kind"] == "full"]
        streamed = get(first.url + "/api/infra/topology")[1]["revision"]
        first.proc.kill()
        first.proc.wait(timeout=10)

        second = server_factory(*place, "--demo-seed", "3", "--demo-rate", "50")
        live = wait_for("the restarted store to move on", lambda: (lambda r: r if r > streamed else None)(get(second.url + "/api/infra/topology")[1]["revision"]))
        assert live > streamed, "the restarted store goes on above every revision streamed before the crash"

        # Made durable after `later`, before the kill: `tail`. Then exactly what was missed, from history, then live: no full, no gap, no duplicate.
        tail = get(second.url + "/api/infra/topology/changes?from=%d&to=%d&limit=10000" % (later, streamed))[1]["updates"]
        enough = len(missed) + len(tail) + 5
        sse_connected, sse = sse_updates(second, seen, enough)
        ws_subscribed, ws = ws_updates(second, seen, enough)
        assert sse_connected["resumed"] is True and ws_subscribed["resumed"] is True, (sse_connected, ws_subscribed)
        recorded = {u["revision"]: u for u in missed + tail}
        for updates in (sse, ws):
            revisions = [u["revision"] for u in updates]
            assert revisions == sorted(set(revisions)) and revisions[0] > seen, "in order, nothing twice"
            assert not [u for u in updates if u["kind"] == "full"]
            old_life = [u for u in updates if u["revision"] <= streamed]
            assert all(recorded.get(u["revision"]) == u for u in old_life), "from before the crash, only durable updates, as recorded"
            kept = {u["revision"] for u in old_life}
            # A batch coalesces an entity's superseded `update`s (PROTOCOL.md); nothing else is left out.
            assert all(u["revision"] in kept for u in missed if u["kind"] not in ("update", "conn_update"))
            assert revisions[-1] > streamed, "then the restarted store's live updates"

        status, page = get(second.url + "/api/infra/topology/changes?from=%d&to=%d&limit=10000" % (seen, live))
        assert status == 200 and page["gaps"] == []
        status, past = get(second.url + "/api/infra/topology?at=%d" % seen)
        assert status == 200 and past["revision"] == seen and past["entities"]

        # A client whose last revision was lost in the crash (streamed, never
        # durable) is told to resync; one whose revision was durable resumes.
        lost = streamed > (tail[-1]["revision"] if tail else later)
        connected, update = stream_opening(second, streamed)
        subscribed, updates = ws_updates(second, streamed, 1)
        assert connected["resumed"] is subscribed["resumed"] is (not lost)
        assert (update["kind"] == "full") is (updates[0]["kind"] == "full") is lost


def test_history_routes_answer_clear_errors(server_factory):
    with tempfile.TemporaryDirectory() as data_dir:
        server = server_factory("--data-dir", data_dir, "--demo-seed", "3")
        assert get(server.url + "/api/infra/topology?at=not-a-time")[0] == 400
        assert get(server.url + "/api/infra/topology/changes?from=9&to=3")[0] == 400
        assert get(server.url + "/api/infra/metrics/no-such-entity")[0] == 404
        assert os.path.exists(os.path.join(data_dir, "history.sqlite"))


def test_no_history_writes_nothing(server_factory):
    with tempfile.TemporaryDirectory() as data_dir:
        server = server_factory("--data-dir", data_dir, "--no-history")
        # The history routes exist and say history is off (503 history_unavailable).
        status, body = get(server.url + "/api/infra/topology/changes?from=1")[:2]
        assert status == 503 and "no-history" in str(body)
        assert get(server.url + "/api/infra/topology?at=1")[0] == 503
        assert not os.listdir(data_dir)


def test_bad_history_flags_are_clear_errors():
    for flag, value in (("--history-retention", "soon"), ("--history-max-bytes", "12")):
        out = subprocess.run([BIN, "serve", flag, value], capture_output=True, text=True, timeout=30)
        assert out.returncode != 0, flag
        assert flag in out.stderr, (flag, out.stderr)
