"""GET /api/plugins in a running server with no jobs: every stage of the
collection pipeline records its own runs (docs/SOURCES.md)."""
from conftest import get_json, wait_for


def plugins(server):
    return {p["name"]: p for p in get_json(server.url + "/api/plugins")}


def test_every_plugin_records_live_runs_without_jobs(server_factory):
    server = server_factory("--demo-seed", "7", "--demo-rate", "50")
    first = wait_for(
        "a run of the simulator, health scoring and the layout",
        lambda: (lambda p: p if all(p[n]["last_run"] for n in ("simulator", "health", "layout")) else None)(plugins(server)),
    )
    assert [first[n]["stage"] for n in ("simulator", "health", "layout")] == ["source", "health", "layout"]
    # Live: the simulator ticks and health scores its changes with no job asking.
    later = wait_for(
        "more runs of the simulator and of health scoring",
        lambda: (lambda p: p if all(p[n]["runs"] > first[n]["runs"] for n in ("simulator", "health")) else None)(plugins(server)),
    )
    for name in ("simulator", "health", "layout"):
        run = later[name]["last_run"]
        assert run["seconds"] >= 0 and run["error"] is None, (name, run)
        assert later[name]["total_seconds"] >= run["seconds"]
    assert get_json(server.url + "/api/jobs") == []
