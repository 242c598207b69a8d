"""The timeline (ui/js/panels/timeline.js) in real Chromium against a server
with history in a temporary data directory: a node created through the graph
API is gone when the map is scrubbed back to before it, returns going
forward, and a node created while the past is shown waits for back to live."""
import datetime
import time
import urllib.parse

from selenium.webdriver.common.by import By

from conftest import gestalt, open_page, wait_until


def iso(ms):
    return datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def recorded_at(srv, ms):
    """The ids in the topology history answers for instant `ms`, or None before it can."""
    try:
        topo = srv.get("/api/infra/topology?at=" + urllib.parse.quote(iso(ms)))
    except Exception:
        return None
    return {e["id"] for e in topo["entities"]}


def test_scrub_back_before_a_node_and_forward_and_back_to_live(driver, history_server):
    srv = history_server
    page = open_page(driver, srv)
    wait_until(lambda: recorded_at(srv, time.time() * 1000) is not None, 15, message="history answers ?at=")
    before = int(time.time() * 1000)
    wait_until(lambda: recorded_at(srv, before) is not None, 15, message="history has the moment before")

    status, _ = srv.request("POST", "/api/graph/nodes", {"id": "tl-probe", "name": "tl-probe", "kind": "service", "namespace": "e2e"})
    assert status in (200, 201)
    wait_until(lambda: gestalt(page, "entity('tl-probe')") is not None, 5, message="node drawn live")
    wait_until(lambda: "tl-probe" in (recorded_at(srv, time.time() * 1000) or set()), 15, message="node recorded")
    after = int(time.time() * 1000)
    assert "tl-probe" not in recorded_at(srv, before)

    # Back to before it was created: it is gone, and the header says the map is not live.
    gestalt(page, f"timelineSeek({before})")
    wait_until(lambda: gestalt(page, "timelineLive()") is False, 5, message="not live")
    wait_until(lambda: gestalt(page, "entity('tl-probe')") is None, 10, message="node gone in the past")
    banner = page.find_element(By.ID, "timeline-banner")
    assert banner.is_displayed() and "Viewing history" in banner.text
    assert int(page.find_element(By.ID, "timeline-slider").get_attribute("value")) < 1000

    # A node created now is held back, not drawn into the past.
    srv.request("POST", "/api/graph/nodes", {"id": "tl-late", "name": "tl-late", "kind": "service", "namespace": "e2e"})
    wait_until(lambda: "tl-late" in (recorded_at(srv, time.time() * 1000) or set()), 15, message="late node recorded")
    assert gestalt(page, "entity('tl-late')") is None

    # Forward: it returns.
    gestalt(page, f"timelineSeek({after})")
    wait_until(lambda: gestalt(page, "entity('tl-probe')") is not None, 10, message="node back going forward")
    assert gestalt(page, "timelineLive()") is False

    # Back to live: the held node arrives, the banner goes.
    page.find_element(By.ID, "timeline-live").click()
    wait_until(lambda: gestalt(page, "timelineLive()") is True, 5, message="live again")
    wait_until(lambda: gestalt(page, "entity('tl-late')") is not None, 10, message="held node applied")
    assert gestalt(page, "entity('tl-probe')") is not None
    assert not page.find_element(By.ID, "timeline-banner").is_displayed()


def test_detail_panel_shows_cpu_and_memory_sparklines(driver, history_server):
    srv = history_server
    page = open_page(driver, srv)

    def with_metrics():
        for e in srv.get("/api/infra/topology")["entities"]:
            try:
                body = srv.get(f"/api/infra/metrics/{urllib.parse.quote(e['id'], safe='')}")
            except Exception:
                continue
            if any(s["name"] == "cpu_percent" and s["points"] for s in body["series"]):
                return e["id"]
        return None

    entity = wait_until(with_metrics, 15, message="an entity with recorded CPU")
    assert gestalt(page, f"select({entity!r})") == entity

    def drawn():
        sparks = page.find_elements(By.CSS_SELECTOR, "#sparklines .spark[data-metric=cpu_percent] path")
        return sparks and sparks[0].get_attribute("d")

    wait_until(drawn, 10, message="CPU sparkline drawn")
    assert page.find_elements(By.CSS_SELECTOR, "#sparklines .spark[data-metric=memory_bytes]")
