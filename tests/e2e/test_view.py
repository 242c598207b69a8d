"""What the map draws and the view in the URL (issue 14), in real headless Chromium.

Legend, namespace labels on their rings, group presets, the URL round trip
(a pasted link opens the same view), Back/Forward through selections, event
icons, network rates and the source states in the top bar. Screenshots go
to artifacts/view-*.png.
"""
import time
from urllib.parse import quote

from PIL import Image
from selenium.webdriver.common.by import By

from conftest import ARTIFACTS, gestalt, open_page, wait_until


def loaded(drv, srv):
    """Every entity of the server is in the page (counts compared at one moment; the demo keeps changing)."""
    n = srv.entity_count()
    return gestalt(drv, "entityCount()") == n and gestalt(drv, "renderedCount()") > 0


def screenshot(drv, name):
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"view-{name}.png"
    assert drv.save_screenshot(str(path))
    return path


def scene_has_content(drv, path):
    image = Image.open(path).convert("RGB")
    canvas = drv.find_element(By.ID, "canvas").rect
    scale = image.width / drv.execute_script("return window.innerWidth")
    box = tuple(round(v * scale) for v in (canvas["x"], canvas["y"], canvas["x"] + canvas["width"], canvas["y"] + canvas["height"]))
    colours = image.crop(box).getcolors(maxcolors=1 << 20)
    return colours is not None and len(colours) > 20


def test_legend_lists_the_kinds_on_screen_with_health_and_stale_keys(page, server):
    wait_until(lambda: loaded(page, server), 15, message="scene loaded")
    kinds = set(page.execute_script("return [...new Set(window.gestalt.entityIds().map(id => window.gestalt.entity(id).kind))]"))
    legend = page.find_element(By.ID, "legend")
    assert legend.is_displayed()
    # The legend refreshes with the panels (twice a second).
    shown = wait_until(lambda: {li.get_attribute("data-kind") for li in legend.find_elements(By.CSS_SELECTOR, "li[data-kind]")} >= kinds
                       and {li.get_attribute("data-kind") for li in legend.find_elements(By.CSS_SELECTOR, "li[data-kind]")}, 5,
                       message="every kind present in the legend")
    assert shown >= kinds
    keys = {li.get_attribute("data-key") for li in legend.find_elements(By.CSS_SELECTOR, "li[data-key]")}
    assert {"health", "unhealthy", "stale"} <= keys
    # Each kind row carries its glyph in the kind's colour.
    pod = legend.find_element(By.CSS_SELECTOR, "li[data-kind='pod'] .glyph")
    assert pod.text == "●" and pod.value_of_css_property("color") not in ("", "rgba(0, 0, 0, 0)")


def test_namespace_names_are_drawn_on_their_rings_and_presets_label_their_groups(page, server):
    wait_until(lambda: loaded(page, server), 15, message="scene loaded")
    names = set(page.execute_script(
        "return window.gestalt.entityIds().map(id => window.gestalt.entity(id)).filter(e => e.kind === 'namespace').map(e => e.name)"))
    assert names, "the demo cluster has namespaces"
    page.execute_script("document.getElementById('fit-view').click()")
    labels = wait_until(lambda: set(gestalt(page, "groupLabels()")) & names, 5, message="namespace labels in the scene")
    assert labels
    # Each label is a DOM element over the canvas, placed near its ring.
    some = next(iter(labels))
    el = page.find_element(By.CSS_SELECTOR, f".group-label[data-group='ns:{some}']")
    assert el.is_displayed() and el.text == some
    time.sleep(1.0)  # let fade-ins settle for the picture
    path = screenshot(page, "namespace")
    assert scene_has_content(page, path)

    assert gestalt(page, "setPreset('kind')") == "kind"
    wait_until(lambda: "Pod" in gestalt(page, "groupLabels()"), 5, message="kind labels")
    assert "layout=kind" in page.current_url
    time.sleep(1.5)  # entities lerp to their kind clusters
    screenshot(page, "kind")

    assert gestalt(page, "setPreset('source')") == "source"
    sources = set(page.execute_script("return [...new Set(window.gestalt.entityIds().map(id => window.gestalt.entity(id).source || 'unknown'))]"))
    wait_until(lambda: set(gestalt(page, "groupLabels()")) >= sources, 5, message="source labels")
    time.sleep(1.5)
    screenshot(page, "source")
    assert gestalt(page, "setPreset('namespace')") == "namespace"
    assert "layout=" not in page.current_url


def test_a_pasted_url_opens_the_same_view(driver, server):
    open_page(driver, server)
    wait_until(lambda: loaded(driver, server), 15, message="scene loaded")
    pick = driver.execute_script("""
        const g = window.gestalt;
        const id = g.entityIds().find(i => g.entity(i).kind === 'pod' && g.entity(i).namespace);
        return { id, ns: g.entity(id).namespace };""")
    url = f"{server.base_url}/?kind=pod,service&ns={quote(pick['ns'])}&sel={quote(pick['id'], safe=':/@')}&layout=kind"

    driver.get(url)
    wait_until(lambda: gestalt(driver, "status()") == "Connected", 20, message="Connected")
    wait_until(lambda: gestalt(driver, "selected()") == pick["id"], 10, message="selection restored from the URL")
    f = gestalt(driver, "filter()")
    assert sorted(f["kinds"]) == ["pod", "service"]
    assert f["namespaces"] == [pick["ns"]]
    assert gestalt(driver, "preset()") == "kind"
    # The controls show it too, not only the state.
    pressed = {c.get_attribute("data-value") for c in driver.find_elements(By.CSS_SELECTOR, "#filter-kinds .chip[aria-pressed='true']")}
    assert pressed == {"pod", "service"}
    assert driver.find_element(By.CSS_SELECTOR, "#layout-presets [data-preset='kind']").get_attribute("aria-pressed") == "true"
    wait_until(lambda: driver.find_element(By.ID, "tab-details").get_attribute("data-entity-id") == pick["id"], 3, message="details panel")
    lines = driver.execute_script("return document.getElementById('tab-details').innerText.split('\\n').map(s => s.trim())")
    assert "null" not in lines, "parts that do not apply leave nothing behind"
    # Only matching entities are drawn.
    drawn = driver.execute_script("""
        const g = window.gestalt;
        return g.entityIds().filter(id => g.screenPosition(id)).map(id => [g.entity(id).kind, g.entity(id).namespace]);""")
    assert drawn and all(k in ("pod", "service") and ns == pick["ns"] for k, ns in drawn)
    # The page's own URL is the same view: copying it gives the same link.
    assert gestalt(driver, "filter()") == f
    current = driver.current_url
    assert "sel=" in current and "kind=pod,service" in current and "layout=kind" in current
    screenshot(driver, "from-url")


def test_back_button_steps_through_selections(driver, server):
    open_page(driver, server)
    wait_until(lambda: loaded(driver, server), 15, message="scene loaded")
    ids = driver.execute_script("return window.gestalt.entityIds().filter(id => window.gestalt.entity(id).kind !== 'namespace').slice(0, 3)")
    assert len(ids) == 3
    start_length = driver.execute_script("return history.length")
    for i in ids:
        assert gestalt(driver, f"select({i!r})") == i
    assert driver.execute_script("return history.length") == start_length + 3, "one history entry per selection"
    # A filter edit rewrites the current entry instead of adding one.
    gestalt(driver, "setFilter({bands: ['healthy', 'warning', 'critical']})")
    assert driver.execute_script("return history.length") == start_length + 3
    assert "band=critical,healthy,warning" in driver.current_url

    driver.back()
    wait_until(lambda: gestalt(driver, "selected()") == ids[1], 5, message="Back selects the previous entity")
    driver.back()
    wait_until(lambda: gestalt(driver, "selected()") == ids[0], 5, message="Back again")
    assert gestalt(driver, "filter()")["bands"] == [], "that entry was made before the filter edit"
    driver.back()
    wait_until(lambda: gestalt(driver, "selected()") is None, 5, message="Back to no selection")
    driver.forward()
    wait_until(lambda: gestalt(driver, "selected()") == ids[0], 5, message="Forward")
    assert driver.find_element(By.ID, "tab-details").get_attribute("data-entity-id") == ids[0]


def test_event_feed_shows_icons_by_type_and_severity(page, server):
    wait_until(lambda: gestalt(page, "eventCount()") > 0, 30, message="events from the demo cluster")
    page.find_element(By.CSS_SELECTOR, ".tabs [data-tab='events']").click()
    # The feed is rebuilt as events arrive, so read it in one script rather than element by element.
    rows = wait_until(lambda: page.execute_script("""
        return [...document.querySelectorAll('#event-feed li[data-category]')].map(li => {
          const icon = li.querySelector('.ev-icon');
          return { glyph: icon.textContent, cls: icon.className, category: li.dataset.category, label: icon.getAttribute('aria-label') };
        });"""), 5, message="event rows with icons")
    for row in rows:
        assert row["glyph"].strip()
        assert any(f"sev-{s}" in row["cls"] for s in ("info", "warning", "error", "critical"))
        assert row["category"] in row["label"]


def test_network_is_shown_as_a_rate(page, server):
    probe = "e2e-net-probe"
    status, _ = server.request("POST", "/api/graph/nodes", {"id": probe, "name": probe, "kind": "service", "namespace": "e2e",
                                                           "network_rx_bytes": 1000, "network_tx_bytes": 1000})
    assert status == 201
    try:
        wait_until(lambda: gestalt(page, f"entity({probe!r})") is not None, 5, message="probe in the page")
        time.sleep(1.1)  # the rate needs two samples some time apart (updated_at has millisecond resolution)
        server.request("PATCH", f"/api/graph/nodes/{probe}", {"network_rx_bytes": 1_049_576, "network_tx_bytes": 1000})
        rate = wait_until(lambda: (gestalt(page, f"networkRate({probe!r})") or {}).get("measured") and gestalt(page, f"networkRate({probe!r})"),
                          5, message="a computed rate")
        assert rate["measured"] == "computed"
        assert rate["rx"] > 0 and rate["tx"] == 0
        gestalt(page, f"select({probe!r})")
        bar = wait_until(lambda: page.find_element(By.CSS_SELECTOR, "#tab-details [data-metric='net-rx']"), 3, message="network bar")
        assert "/s" in bar.text
    finally:
        server.request("DELETE", f"/api/graph/nodes/{probe}")


def test_top_bar_shows_each_sources_state(page, server):
    statuses = server.get("/api/infra/sources")
    assert statuses, "the demo server reports its simulator"
    pills = wait_until(lambda: page.find_elements(By.CSS_SELECTOR, "#sources .source-pill"), 10, message="source pills")
    by_name = {p.get_attribute("data-source"): p for p in pills}
    for s in statuses:
        pill = by_name[s["name"]]
        assert pill.get_attribute("data-state") == s["state"]
        assert s["name"] in pill.get_attribute("title")
    # Clicking a pill filters the scene to that source, and the URL says so.
    name = statuses[0]["name"]
    by_name[name].click()
    wait_until(lambda: gestalt(page, "filter()")["sources"] == [name], 3, message="source filter")
    assert f"source={name}" in page.current_url
