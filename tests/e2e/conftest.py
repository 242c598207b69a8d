"""Fixtures for the browser end-to-end tests.

The tests start the real server binary ($GESTALT_BIN, default
.build/debug/gestalt) on a free port with a small, seeded simulated cluster,
and drive the embedded UI in headless Chromium through selenium.
"""
import json
import os
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
GESTALT_BIN = os.environ.get("GESTALT_BIN", str(ROOT / ".build" / "debug" / "gestalt"))
CHROMEDRIVER = "/usr/bin/chromedriver"
CHROME_ARGS = ["--headless=new", "--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def click_until_selected(page, find_target, selected, timeout=30, message="a real canvas click selects"):
    """Clicks the canvas where `find_target()` says something is drawn
    (`x`, `y` in page pixels, the canvas's `left`, `top`, `width`,
    `height`) until `selected(target)` holds; returns that target.

    The layout may still move a node or line between reading its position
    and the click landing, so each try reads the position again, clicks, and
    gives the click a moment to select before trying again."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    def click_once():
        target = find_target()
        if not target:
            return None
        canvas = page.find_element(By.ID, "canvas")
        dx = round(target["x"] - (target["left"] + target["width"] / 2))
        dy = round(target["y"] - (target["top"] + target["height"] / 2))
        ActionChains(page).move_to_element_with_offset(canvas, dx, dy).click().perform()
        try:
            wait_until(lambda: selected(target), 1)
        except AssertionError:
            return None
        return target

    return wait_until(click_once, timeout, interval=0.2, message=message)


def wait_until(predicate, timeout=10.0, interval=0.1, message="condition"):
    """Polls `predicate` until it returns a truthy value; returns that value."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = predicate()
        except Exception as err:  # a transient failure (server restarting, page loading) is retried
            last = err
        if last and not isinstance(last, Exception):
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {message} (last: {last!r})")


class GestaltServer:
    """The server binary on a fixed port, which can be stopped and started again."""

    def __init__(self, port=None, extra_args=()):
        self.port = port or free_port()
        self.extra_args = list(extra_args)
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.process = None
        self.log_path = ARTIFACTS / f"server-{self.port}.log"

    def start(self, timeout=30.0):
        ARTIFACTS.mkdir(exist_ok=True)
        log = open(self.log_path, "ab")
        # Each server records history in a directory of its own: a shared one
        # (the default ./gestalt-data) would restore one run's graph API nodes
        # into the next, since a restart reloads the recorded topology.
        data_dir = [] if {"--data-dir", "--no-history"} & set(self.extra_args) else ["--data-dir", tempfile.mkdtemp(prefix="gestalt-e2e-")]
        self.process = subprocess.Popen(
            [GESTALT_BIN, "serve", "--host", "127.0.0.1", "--port", str(self.port),
             "--demo-seed", "1", "--demo-rate", "2", "--demo-size", "100", *data_dir, *self.extra_args],
            stdout=log, stderr=subprocess.STDOUT,
        )
        log.close()
        wait_until(lambda: self.status("/readyz") == 200, timeout, message=f"{self.base_url}/readyz")
        return self

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def status(self, path):
        try:
            with urllib.request.urlopen(self.base_url + path, timeout=2) as r:
                return r.status
        except urllib.error.HTTPError as err:
            return err.code
        except OSError:
            return None

    def request(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base_url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=5) as r:
            raw = r.read()
            return r.status, (json.loads(raw) if raw else None)

    def get(self, path):
        return self.request("GET", path)[1]

    def entity_count(self):
        return self.get("/api/infra/topology")["summary"]["total_entities"]


def _require_binary():
    if not os.access(GESTALT_BIN, os.X_OK):
        pytest.fail(f"server binary not found at {GESTALT_BIN}: build it (swift build) or set GESTALT_BIN")


@pytest.fixture(scope="session")
def server():
    """One server shared by the tests that do not stop it."""
    _require_binary()
    srv = GestaltServer().start()
    yield srv
    srv.stop()


@pytest.fixture
def own_server():
    """A server of the test's own, for tests that stop and restart it."""
    _require_binary()
    srv = GestaltServer().start()
    yield srv
    srv.stop()


def make_driver(width=1400, height=900):
    options = webdriver.ChromeOptions()
    for arg in CHROME_ARGS + [f"--window-size={width},{height}"]:
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


@pytest.fixture
def driver(request):
    drv = make_driver()
    yield drv
    _save_browser_log(drv, request.node.name)
    drv.quit()


def _save_browser_log(drv, name):
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        lines = [f"{e['level']} {e['message']}" for e in drv.get_log("browser")]
        (ARTIFACTS / f"browser-{name}.log").write_text("\n".join(lines))
    except Exception:
        pass


def gestalt(drv, call):
    """Evaluates `window.gestalt.<call>` in the page."""
    return drv.execute_script(f"return window.gestalt ? window.gestalt.{call} : null")


def open_page(drv, srv, timeout=20.0):
    drv.get(srv.base_url + "/")
    wait_until(lambda: gestalt(drv, "status()") == "Connected", timeout, message="status Connected")
    return drv


@pytest.fixture
def page(driver, server):
    """The UI, loaded and connected to the shared server."""
    return open_page(driver, server)


@pytest.fixture
def history_server():
    """A server of its own with history on, in a temporary data directory."""
    _require_binary()
    with tempfile.TemporaryDirectory() as data:
        srv = GestaltServer(extra_args=["--data-dir", data]).start()
        yield srv
        srv.stop()
