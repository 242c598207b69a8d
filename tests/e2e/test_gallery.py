"""The jobs overlay in real headless Chromium: /gallery renders each of seed
004's states from fixtures with the app's own components, and the app's
Rescan button runs a real job whose progress arrives over the jobs channel."""
import pytest
from selenium.webdriver.common.by import By

from conftest import ARTIFACTS, open_page, wait_until

STATES = {
    # state: (progress, label, plugins shown, warnings, errors, theme)
    "default": (100, "Completed", 3, 0, 0, "light"),
    "loading": (0, "Starting…", 3, 0, 0, "light"),
    "progress": (50, "50%", 3, 0, 0, "light"),
    "complete": (100, "Completed", 3, 0, 0, "light"),
    "warnings": (50, "50%", 3, 2, 0, "light"),
    "errors": (33, "33%", 3, 0, 1, "light"),
    "dark": (100, "Completed", 3, 0, 0, "dark"),
}


def severe_console_entries(drv):
    return [e for e in drv.get_log("browser") if e["level"] == "SEVERE"]


@pytest.mark.parametrize("state", list(STATES))
def test_gallery_state_renders_its_values(driver, server, state):
    progress, label, plugins, warnings, errors, theme = STATES[state]
    driver.get(f"{server.base_url}/gallery?state={state}")
    wait_until(lambda: driver.execute_script("return document.body.dataset.ready") == "true", 10, message="gallery ready")
    bar = driver.find_element(By.ID, "progress-bar")
    assert bar.get_attribute("role") == "progressbar"
    assert bar.get_attribute("aria-valuemin") == "0" and bar.get_attribute("aria-valuemax") == "100"
    assert bar.get_attribute("aria-valuenow") == str(progress)
    assert bar.find_element(By.CLASS_NAME, "progress-label").text == label
    inspector = driver.find_element(By.ID, "plugin-inspector")
    rows = inspector.find_elements(By.CLASS_NAME, "inspector-plugin")
    assert "null" not in inspector.text and "undefined" not in inspector.text
    assert len(rows) == plugins
    assert len(inspector.find_elements(By.CLASS_NAME, "inspector-warning")) == warnings
    assert len(inspector.find_elements(By.CSS_SELECTOR, ".inspector-errors .inspector-error")) == errors
    if errors:
        assert inspector.find_element(By.CLASS_NAME, "inspector-banner").text == "1 error"
    if progress == 100:
        assert all(row.get_attribute("data-status") == "completed" for row in rows)
        assert "ms" in rows[2].find_element(By.CLASS_NAME, "inspector-seconds").text
    assert driver.execute_script("return document.documentElement.dataset.theme") == theme
    assert severe_console_entries(driver) == []
    ARTIFACTS.mkdir(exist_ok=True)
    assert driver.save_screenshot(str(ARTIFACTS / f"gallery-{state}.png"))


def test_rescan_button_runs_a_job_shown_live(driver, server):
    page = open_page(driver, server)
    overlay = page.find_element(By.ID, "jobs-overlay")
    assert not overlay.is_displayed()
    page.find_element(By.ID, "jobs-toggle").click()
    assert overlay.is_displayed()
    page.find_element(By.ID, "rescan-button").click()
    bar = page.find_element(By.ID, "progress-bar")
    wait_until(lambda: bar.get_attribute("aria-valuenow") == "100"
               and bar.find_element(By.CLASS_NAME, "progress-label").text == "Completed", 20, message="job completed")
    names = [row.get_attribute("data-plugin") for row in page.find_elements(By.CLASS_NAME, "inspector-plugin")]
    assert "health" in names and "simulator" in names
    assert page.find_element(By.ID, "jobs-note").text.startswith("Job job-")
    assert severe_console_entries(page) == []
    assert page.save_screenshot(str(ARTIFACTS / "jobs-overlay-live.png"))
