"""The graph seed's live UI in real Chromium (ui/js/graph-events.js): a node
created through the graph API toasts "New service: billing", a bulk of 50
shows a few toasts and one summary, and a rescan's graph.invalidated shows
the stale banner until its refresh button refetches the topology."""
import pytest
from selenium.webdriver.common.by import By

from conftest import ARTIFACTS, GestaltServer, _require_binary, open_page, wait_until

# Every toast's text, kept after the toast itself has gone (toasts leave by
# themselves, so the test must not depend on catching them on screen).
RECORD_TOASTS = """
window.__toasts = [];
new MutationObserver((records) => {
  for (const r of records) for (const n of r.addedNodes) window.__toasts.push(n.textContent);
}).observe(document.getElementById('toasts'), { childList: true });
"""


def toasts(driver):
    return driver.execute_script("return window.__toasts")


@pytest.fixture
def graph_server():
    _require_binary()
    srv = GestaltServer().start()
    yield srv
    srv.stop()


def test_created_nodes_toast_and_a_bulk_shows_one_summary(driver, graph_server):
    srv = graph_server
    open_page(driver, srv)
    driver.execute_script(RECORD_TOASTS)
    # The page's graph events stream may not be connected yet (an event
    # before it would never be seen): post until the first toast shows,
    # each node with its own name.
    attempt = [0]

    def post_and_see():
        attempt[0] += 1
        srv.request("POST", "/api/graph/nodes", {"name": f"billing-{attempt[0]}", "kind": "service"})
        return wait_until(lambda: [t for t in toasts(driver) if t.startswith("New service: billing-")], 2,
                          message="a toast")
    shown = wait_until(post_and_see, 15, message="the created-node toast")
    assert shown[-1] == f"New service: billing-{attempt[0]}"
    # Let the limiter's window pass, so the bulk starts a fresh one.
    wait_until(lambda: driver.execute_script("return document.querySelectorAll('#toasts .toast:not(.leaving)').length") == 0,
               15, message="the first toasts to leave")
    before = len(toasts(driver))
    for i in range(50):
        srv.request("POST", "/api/graph/nodes", {"name": f"bulk-{i}", "kind": "pod"})
    summary = wait_until(lambda: [t for t in toasts(driver)[before:] if t.endswith("new nodes")], 15,
                         message="the summary toast")
    bulk = toasts(driver)[before:]
    singles = [t for t in bulk if t.startswith("New pod: bulk-")]
    assert 1 <= len(singles) <= 3, bulk
    assert len(summary) == 1, bulk
    assert summary[0] == f"{50 - len(singles)} new nodes"
    errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, errors


def test_invalidated_shows_the_stale_banner_until_refresh(driver, graph_server):
    srv = graph_server
    open_page(driver, srv)
    banner = driver.find_element(By.ID, "graph-stale")
    assert not banner.is_displayed()

    # A rescan's result is a bulk change: the server fires graph.invalidated
    # (docs/PROTOCOL.md, Graph events). Rescan until the banner shows, in
    # case the first one beat the stream's connection.
    def rescan_and_see():
        status, _ = srv.request("POST", "/api/jobs", {"kind": "rescan"})
        assert status == 202
        return wait_until(lambda: banner.is_displayed(), 5, message="the banner")
    wait_until(rescan_and_see, 30, message="the stale banner")
    assert "Graph data may be outdated" in banner.text
    assert driver.save_screenshot(str(ARTIFACTS / "graph-stale-banner.png"))
    topology_fetches = driver.execute_script(
        "return performance.getEntriesByType('resource').filter((e) => e.name.endsWith('api/infra/topology')).length")
    driver.find_element(By.ID, "graph-refresh").click()
    wait_until(lambda: not banner.is_displayed(), 10, message="the banner to clear")
    assert driver.execute_script(
        "return performance.getEntriesByType('resource').filter((e) => e.name.endsWith('api/infra/topology')).length"
    ) > topology_fetches
    errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, errors
