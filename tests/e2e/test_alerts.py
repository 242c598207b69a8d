"""The Alerts tab shows the server's alerts (issue 18), live from its stream."""
import tempfile

from selenium.webdriver.common.by import By

from conftest import GestaltServer, _require_binary, open_page, wait_until

# Every namespace of the simulated cluster matches at once: the alerts fire
# on the first evaluation, so the test waits for the page, not for a timer.
CONFIG = """
collectors:
  simulator:
    enabled: true
alerts:
  evaluate_every: 0.2
  rules:
    - name: namespace-seen
      kinds: [namespace]
      statuses: [running, pending, failed, terminating, unknown, processing]
      severity: info
"""


def test_alerts_tab_lists_the_servers_alerts(driver):
    _require_binary()
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
        f.write(CONFIG)
    srv = GestaltServer(extra_args=["--config", f.name]).start()
    try:
        active = wait_until(lambda: srv.get("/api/infra/alerts")["active"], timeout=20, message="server alerts firing")
        assert all(a["rule"] in ("namespace-seen", "cpu-high", "cpu-critical", "memory-high", "memory-critical",
                                 "crash-loop", "source-down", "warning-event-rate") for a in active)
        open_page(driver, srv)
        driver.find_element(By.CSS_SELECTOR, '[data-tab="alerts"]').click()
        rows = wait_until(lambda: driver.find_elements(By.CSS_SELECTOR, '#alert-list li[data-state="firing"]'),
                          timeout=20, message="firing alerts in the Alerts tab")
        ids = {r.get_attribute("data-alert-id") for r in rows}
        assert any(i.startswith("namespace-seen/") for i in ids)
        badge = driver.find_element(By.ID, "alerts-badge")
        wait_until(lambda: badge.text.isdigit() and int(badge.text) >= 1, timeout=10, message="the alerts badge")
        errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        assert not errors, errors
    finally:
        srv.stop()
