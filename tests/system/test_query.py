"""`gestalt query`: the plan's world.infra paths from the command line, against a running server."""
import json
import subprocess

from conftest import BIN


def query(server, *args, timeout=30):
    return subprocess.run([BIN, "query", "--url", server.url, *args], capture_output=True, text=True, timeout=timeout)


def test_pods_as_a_table_and_as_json(server_factory):
    server = server_factory("--demo-seed", "3", "--demo-rate", "0", "--no-layout")
    table = query(server, "world.infra.k8s.pods")
    assert table.returncode == 0, table.stderr
    header = table.stdout.splitlines()[0]
    assert header.split()[:3] == ["ID", "KIND", "STATUS"]
    assert "k8s:pod/" in table.stdout and "entities at revision" in table.stdout

    raw = query(server, "k8s.pods", "--json", "--filter", "namespaces=shop")
    assert raw.returncode == 0, raw.stderr
    topology = json.loads(raw.stdout)
    assert topology["entities"] and all(e["kind"] == "pod" and e["namespace"] == "shop" for e in topology["entities"])


def test_a_path_whose_source_is_missing_says_which_it_needs(server_factory):
    server = server_factory("--demo-seed", "3", "--demo-rate", "0", "--no-layout")
    result = query(server, "world.infra.docker.containers")
    assert result.returncode != 0
    assert "docker" in result.stderr and "collectors.docker" in result.stderr


def test_list_and_bad_filters(server_factory):
    server = server_factory("--demo-seed", "3", "--demo-rate", "0", "--no-layout")
    listing = query(server, "--list")
    assert listing.returncode == 0 and "world.infra.health.alerts" in listing.stdout
    bad = query(server, "k8s.pods", "--filter", "nonsense")
    assert bad.returncode != 0 and "NAME=VALUE" in bad.stderr


def test_watch_streams_until_the_server_stops(server_factory):
    server = server_factory("--demo-seed", "3", "--demo-rate", "20", "--no-layout")
    proc = subprocess.Popen([BIN, "query", "--url", server.url, "k8s.pods", "--watch"], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().startswith("connected")
    first = proc.stdout.readline()
    assert first.startswith("full") and "entities at revision" in first, first
    server.stop()
    proc.wait(timeout=30)
