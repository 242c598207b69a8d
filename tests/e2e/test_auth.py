"""A server that requires a token (docs/AUTH.md): the page asks for one,
keeps it in sessionStorage, and loads the map with it."""
import tempfile
import urllib.error
import urllib.request

from selenium.webdriver.common.by import By

from conftest import GestaltServer, _require_binary, gestalt, wait_until

TOKEN = "e2e-reader-token-0123456789"
CONFIG = f"""
collectors:
  simulator:
    seed: 1
    size: 100
    rate: 2
auth:
  tokens:
    - name: e2e-reader
      token: {TOKEN}
      scopes: [read]
"""


def status(url, token=None):
    req = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            return r.status
    except urllib.error.HTTPError as err:
        return err.code


def submit_token(driver, token):
    form = wait_until(lambda: driver.find_element(By.ID, "auth-prompt"), timeout=20, message="the token prompt")
    assert form.is_displayed()
    field = driver.find_element(By.ID, "auth-token")
    field.send_keys(token)
    driver.find_element(By.ID, "auth-submit").click()
    return form


def test_page_asks_for_a_token_and_then_loads_the_map(driver):
    _require_binary()
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
        f.write(CONFIG)
    srv = GestaltServer(extra_args=["--config", f.name]).start()
    try:
        assert status(srv.base_url + "/api/infra/topology") == 401
        assert status(srv.base_url + "/api/infra/topology", TOKEN) == 200

        driver.get(srv.base_url + "/")
        submit_token(driver, "not-the-right-token-000")
        # The page reloads; the server refuses the wrong token and the prompt says so.
        wait_until(lambda: "did not accept" in driver.find_element(By.CSS_SELECTOR, "#auth-prompt label").text,
                   timeout=20, message="the prompt for another token")
        assert driver.execute_script("return sessionStorage.getItem('gestalt.token')") is None

        submit_token(driver, TOKEN)
        wait_until(lambda: gestalt(driver, "status()") == "Connected", timeout=20, message="status Connected")
        wait_until(lambda: (gestalt(driver, "entityCount()") or 0) > 0, timeout=20, message="entities on the map")
        assert driver.execute_script("return sessionStorage.getItem('gestalt.token')") == TOKEN
        assert not driver.find_elements(By.ID, "auth-prompt")
    finally:
        srv.stop()
