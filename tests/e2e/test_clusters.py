"""Clusters in the UI (issue 20), in real headless Chromium: entities whose
ids carry a cluster (`k8s@east:…`, as a `gestalt edge` merging clusters
shows them, docs/SCALE-OUT.md) get Cluster filter chips, the Cluster layout
preset labels each cluster's group, and both live in the URL."""
from selenium.webdriver.common.by import By

from conftest import gestalt, wait_until

IDS = {"east": "e2e@east:api", "west": "e2e@west:api"}


def test_cluster_chips_filter_and_the_cluster_preset_groups(page, server):
    for cluster, ident in IDS.items():
        status, _ = server.request("POST", "/api/graph/nodes", {"id": ident, "name": "api", "kind": "service", "namespace": "e2e-cl"})
        assert status == 201, cluster
    try:
        wait_until(lambda: all(gestalt(page, f"entity({i!r})") for i in IDS.values()), 5, message="both in the page")
        chips = lambda: {c.get_attribute("data-value") for c in page.find_elements(By.CSS_SELECTOR, "#filter-clusters .chip")}
        wait_until(lambda: {"east", "west"} <= chips(), 5, message="a chip per cluster")
        assert "(none)" in chips(), "the demo's own ids name no cluster"

        page.find_element(By.CSS_SELECTOR, "#filter-clusters .chip[data-value='west']").click()
        assert gestalt(page, "filter()")["clusters"] == ["west"]
        wait_until(lambda: "cluster=west" in page.current_url, 3, message="the filter in the URL")
        wait_until(lambda: gestalt(page, "renderedCount()") == 1, 5, message="only west's entity drawn")

        assert gestalt(page, "setPreset('cluster')") == "cluster"
        wait_until(lambda: "west" in gestalt(page, "groupLabels()"), 5, message="the west group labelled")
        assert "layout=cluster" in page.current_url
        pressed = page.find_element(By.CSS_SELECTOR, "#layout-presets [data-preset='cluster']").get_attribute("aria-pressed")
        assert pressed == "true"
        gestalt(page, "setFilter({})")
        wait_until(lambda: {"east", "west"} <= set(gestalt(page, "groupLabels()")), 5, message="both groups labelled")
        gestalt(page, "setPreset('namespace')")
    finally:
        for ident in IDS.values():
            server.request("DELETE", f"/api/graph/nodes/{ident}")
