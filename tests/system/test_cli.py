"""The binary as a user runs it: flags, the simulated cluster, graceful shutdown."""
import http.client
import json
import signal
import subprocess
import time
import urllib.request

import os

from conftest import get_json

BIN = os.environ.get("GESTALT_BIN", os.path.join(os.path.dirname(__file__), "../../.build/debug/gestalt"))


def test_version_and_help():
    out = subprocess.run([BIN, "--version"], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0 and out.stdout.strip()
    help_text = subprocess.run([BIN, "serve", "--help"], capture_output=True, text=True, timeout=30).stdout
    for flag in ("--host", "--port", "--log-level", "--demo-seed", "--demo-rate", "--demo-size", "--kubeconfig"):
        assert flag in help_text


def test_bad_flag_is_a_clear_error():
    for flag, value in (
        ("--demo-rate", "-3"), ("--demo-tick", "0"), ("--demo-tick", "soon"), ("--shutdown-timeout", "-1"),
        ("--fanout-window=-3", None), ("--fanout-window", "1001"), ("--fanout-window", "soon"),
    ):
        args = [flag] if value is None else [flag, value]
        flag = flag.split("=")[0]
        out = subprocess.run([BIN, "serve", *args], capture_output=True, text=True, timeout=30)
        assert out.returncode != 0, flag
        assert flag.lstrip("-") in out.stderr, (flag, out.stderr)


def test_simulated_cluster_is_alive(server_factory):
    server = server_factory("--demo-seed", "7", "--demo-rate", "50")
    first = get_json(server.url + "/api/infra/topology")
    assert first["summary"]["total_entities"] >= 80
    kinds = {e["kind"] for e in first["entities"]}
    assert {"node", "namespace", "pod", "service", "deployment"} <= kinds
    time.sleep(1.5)
    assert get_json(server.url + "/api/infra/topology")["revision"] > first["revision"]
    assert get_json(server.url + "/api/infra/health")["total_entities"] >= 80


def test_same_seed_same_cluster(server_factory):
    a = server_factory("--demo-seed", "42", "--demo-rate", "0", "--no-layout")
    b = server_factory("--demo-seed", "42", "--demo-rate", "0", "--no-layout")
    ids_a = sorted(e["id"] for e in get_json(a.url + "/api/infra/topology")["entities"])
    ids_b = sorted(e["id"] for e in get_json(b.url + "/api/infra/topology")["entities"])
    assert ids_a == ids_b


def test_sigterm_closes_open_streams_and_exits(server_factory):
    server = server_factory("--demo-rate", "5")
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    conn.request("GET", "/api/infra/topology/stream")
    response = conn.getresponse()
    assert response.status == 200
    assert response.read1(65536)
    server.proc.send_signal(signal.SIGTERM)
    server.proc.wait(timeout=15)
    assert server.proc.returncode == 0
    assert_no_service_stopped_early(server)
    # The stream ended cleanly: the chunked body terminates instead of hanging.
    rest = b""
    while True:
        chunk = response.read1(65536)
        if not chunk:
            break
        rest += chunk
    conn.close()


def test_sigterm_with_a_config_file_exits_zero(server_factory, tmp_path):
    """Every background service of a configured server (the entity limit watch
    among them) waits for its turn to stop: none may end early and fail the
    shutdown (it exited 1 with "A service has finished unexpectedly")."""
    config = tmp_path / "gestalt.yaml"
    config.write_text("visualization:\n  max_entities: 50\n")
    server = server_factory("--config", str(config))
    server.proc.send_signal(signal.SIGTERM)
    server.proc.wait(timeout=15)
    assert server.proc.returncode == 0
    assert_no_service_stopped_early(server)


def assert_no_service_stopped_early(server):
    """A background service that ends before shutdown logs a warning; with no
    alert channel configured, the alert delivery (which has nothing to run)
    used to, at every start."""
    log = server.proc.stdout.read().decode()
    assert "background service ended" not in log, log


def test_sigterm_exits_despite_a_silent_connection(server_factory):
    """A connection that never sends a request (a browser preconnect, a TCP
    probe) must not hold the shutdown open: it ends within --shutdown-timeout."""
    import socket
    server = server_factory("--demo-rate", "5", "--shutdown-timeout", "2")
    silent = socket.create_connection(("127.0.0.1", server.port))
    time.sleep(0.3)
    started = time.monotonic()
    server.proc.send_signal(signal.SIGTERM)
    server.proc.wait(timeout=15)
    assert server.proc.returncode == 0
    assert time.monotonic() - started < 8
    silent.close()
