"""`gestalt serve --config`: a bad file stops the server before it listens; a good one runs every source it names."""
import json
import socket
import subprocess
import time
import urllib.request

from conftest import BIN, Server, free_port


def test_a_bad_file_stops_the_server_before_it_listens(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("collectors:\n  docker:\n    poll_interval: fast\n")
    port = free_port()
    result = subprocess.run([BIN, "serve", "--port", str(port), "--config", str(bad)], capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert f"{bad}:3:" in result.stderr and "collectors.docker.poll_interval" in result.stderr
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0, "nothing listens"


def test_a_file_runs_its_sources_side_by_side_and_a_down_one_goes_stale(tmp_path):
    config = tmp_path / "gestalt.yaml"
    # The simulator, and a PostgreSQL server nobody runs: it must show as an error, never stop the others.
    config.write_text(
        "collectors:\n"
        "  simulator: {enabled: true, seed: 4, size: 120, rate: 0}\n"
        "  postgres: {enabled: true, urls: ['postgres://nobody@127.0.0.1:1/none'], poll_interval: 1}\n"
        "visualization:\n  max_entities: 50\n"
    )
    server = Server("--config", str(config), "--no-layout", "--no-history")
    try:
        deadline = time.time() + 30
        while True:
            with urllib.request.urlopen(server.url + "/api/infra/sources") as r:
                sources = {s["name"]: s for s in json.load(r)}
            if sources.get("postgres", {}).get("state") == "error" and sources.get("simulator", {}).get("state") == "ready":
                break
            assert time.time() < deadline, sources
            time.sleep(0.1)
        assert sources["postgres"]["last_error"] and "127.0.0.1:1" in sources["postgres"]["last_error"]
        with urllib.request.urlopen(server.url + "/api/infra/health") as r:
            health = json.load(r)
        assert health["max_entities"] == 50 and health["over_max_entities"] is True
        with urllib.request.urlopen(server.url + "/api/infra/events?limit=500") as r:
            assert any(e["reason"] == "EntityLimitExceeded" for e in json.load(r))
    finally:
        server.stop()
