"""The moment in history in the URL (ui/js/url-state.js `at`) in real
Chromium: a pasted link with a time opens the history view at that time,
and Back and Forward step between the moments shown and live."""
import time
import urllib.parse

from selenium.webdriver.common.by import By

from conftest import gestalt, wait_until
from test_timeline import iso, recorded_at


def url_at(page):
    """The `at` of the page's URL, or None."""
    values = urllib.parse.parse_qs(urllib.parse.urlparse(page.current_url).query).get("at")
    return values[0] if values else None


def shows(page, ms, present):
    """The page shows the history view at `ms`, with the probe node there or not."""
    return (
        gestalt(page, "timelineLive()") is False
        and gestalt(page, "timelineMoment()") == ms
        and (gestalt(page, "entity('url-probe')") is not None) == present
    )


def test_a_link_with_a_time_opens_that_moment_and_back_and_forward_restore_it(driver, history_server):
    srv = history_server
    wait_until(lambda: recorded_at(srv, time.time() * 1000) is not None, 15, message="history answers ?at=")
    before = int(time.time() * 1000)
    wait_until(lambda: recorded_at(srv, before) is not None, 15, message="history has the moment before")
    status, _ = srv.request("POST", "/api/graph/nodes", {"id": "url-probe", "name": "url-probe", "kind": "service", "namespace": "e2e"})
    assert status in (200, 201)
    wait_until(lambda: "url-probe" in (recorded_at(srv, time.time() * 1000) or set()), 15, message="node recorded")
    after = int(time.time() * 1000)

    # A pasted link with a time (and a filter): the map opens at that moment, before the node.
    driver.get(f"{srv.base_url}/?kind=service&at={iso(before)}")
    wait_until(lambda: gestalt(driver, "timelineLive()") is False, 20, message="history view opened")
    wait_until(lambda: shows(driver, before, present=False), 10, message="the linked moment, node not yet there")
    banner = driver.find_element(By.ID, "timeline-banner")
    assert banner.is_displayed() and "Viewing history" in banner.text
    assert url_at(driver) == iso(before), "the link's time stays in the URL"
    assert gestalt(driver, "filter()")["kinds"] == ["service"]
    # Held there: a live change made now does not redraw the past.
    status, _ = srv.request("POST", "/api/graph/nodes", {"id": "held-probe", "name": "held-probe", "kind": "service", "namespace": "e2e"})
    assert status in (200, 201)
    wait_until(lambda: "held-probe" in (recorded_at(srv, time.time() * 1000) or set()), 15, message="held node recorded")
    # The page has it, held.
    wait_until(lambda: "held-probe" in gestalt(driver, "timelineHeldIds()"), 10, message="the change reached the page and is held")
    assert gestalt(driver, "timelineMoment()") == before, "still at the linked moment"
    assert gestalt(driver, "entity('held-probe')") is None
    assert gestalt(driver, "entity('url-probe')") is None

    # Seeking later is a history entry: the node is there, the URL says when.
    gestalt(driver, f"timelineSeek({after})")
    wait_until(lambda: shows(driver, after, present=True), 10, message="the later moment")
    wait_until(lambda: url_at(driver) == iso(after), 5, message="URL at the later moment")

    # Back to live drops the time from the URL.
    driver.find_element(By.ID, "timeline-live").click()
    wait_until(lambda: gestalt(driver, "timelineLive()") is True, 5, message="live")
    wait_until(lambda: url_at(driver) is None, 5, message="no time in a live URL")
    wait_until(lambda: gestalt(driver, "entity('url-probe')") is not None, 10, message="node live")
    wait_until(lambda: gestalt(driver, "entity('held-probe')") is not None, 10, message="the held change, live")

    # Back and Forward step through the moments.
    driver.back()
    wait_until(lambda: url_at(driver) == iso(after), 5, message="back: URL at the later moment")
    wait_until(lambda: shows(driver, after, present=True), 10, message="back: the later moment shown")
    driver.back()
    wait_until(lambda: url_at(driver) == iso(before), 5, message="back: URL at the linked moment")
    wait_until(lambda: shows(driver, before, present=False), 10, message="back: the linked moment shown")
    driver.forward()
    wait_until(lambda: shows(driver, after, present=True), 10, message="forward: the later moment again")
    driver.forward()
    wait_until(lambda: gestalt(driver, "timelineLive()") is True, 5, message="forward: live again")
    assert gestalt(driver, "filter()")["kinds"] == ["service"], "the rest of the view kept throughout"
