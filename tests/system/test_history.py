"""History through the real binary: survives kill -9, resumes above every
revision a client may have seen, and answers from the recorded past."""
import json
import os
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

BIN = os.environ.get("GESTALT_BIN", os.path.join(os.path.dirname(__file__), "../../.build/debug/gestalt"))


def get(url):
    """(status, parsed JSON body) for a GET, errors included."""
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as e:
        return e.code, json.load(e)


def wait_for(what, condition, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("timed out waiting for " + what)


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


def test_history_survives_kill_9_and_resumes_above_every_streamed_revision(server_factory):
    with tempfile.TemporaryDirectory() as data_dir:
        first = server_factory("--data-dir", data_dir, "--demo-seed", "3", "--demo-rate", "50")
        # A revision a client saw and that history made durable.
        seen = get(first.url + "/api/infra/topology")[1]["revision"]
        wait_for("revision %d to be durable" % seen, lambda: get(first.url + "/api/infra/topology?at=%d" % seen)[0] == 200)
        streamed = wait_for("the simulator to move on", lambda: (lambda r: r if r > seen else None)(get(first.url + "/api/infra/topology")[1]["revision"]))
        first.proc.kill()
        first.proc.wait(timeout=10)

        second = server_factory("--data-dir", data_dir, "--demo-seed", "3", "--demo-rate", "50")
        live = get(second.url + "/api/infra/topology")[1]["revision"]
        assert live > streamed, "the restarted store must start above every revision streamed before the crash"

        status, past = get(second.url + "/api/infra/topology?at=%d" % seen)
        assert status == 200 and past["revision"] == seen and past["entities"]

        status, page = get(second.url + "/api/infra/topology/changes?from=%d&to=%d&limit=10000" % (seen, live))
        assert status == 200
        revisions = [u["revision"] for u in page["updates"]]
        assert revisions == sorted(set(revisions)), "no duplicates, in order"
        assert len(page["gaps"]) == 1 and page["gaps"][0]["after"] >= seen, page["gaps"]
        restart = page["gaps"][0]
        assert all(r <= restart["after"] or r > restart["resumed_at"] for r in revisions)

        # A client whose Last-Event-ID may have been lost in the crash is told to resync.
        connected, update = stream_opening(second, streamed)
        assert connected["resumed"] is False and update["kind"] == "full"


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
