"""Under heavy churn the page summarises a namespace's pods per service (issue 5)."""
from selenium.webdriver.common.by import By

from conftest import GestaltServer, _require_binary, gestalt, open_page, wait_until


def test_high_churn_namespace_is_summarised_per_service(driver):
    _require_binary()
    # Later flags win: heavy churn, and a low threshold so it shows quickly.
    srv = GestaltServer(extra_args=["--demo-churn", "--demo-seed", "2", "--churn-threshold", "10"]).start()
    try:
        open_page(driver, srv)
        assert gestalt(driver, "transport()") == "ws", "churn notices travel on the WebSocket"
        box = driver.find_element(By.ID, "churn-summaries")
        wait_until(lambda: box.is_displayed() and box.find_elements(By.CSS_SELECTOR, ".churn-card tr"),
                   timeout=60, message="a churn summary card with per-service rows")
        card = box.find_element(By.CSS_SELECTOR, ".churn-card")
        assert "high churn" in card.text
        # The summarised pods are not drawn one by one.
        wait_until(lambda: gestalt(driver, "renderedCount()") < gestalt(driver, "entityCount()"),
                   timeout=10, message="pods of the churning namespace hidden")
    finally:
        srv.stop()
