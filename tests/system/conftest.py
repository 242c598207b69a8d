import json
import os
import socket
import subprocess
import tempfile
import time
import urllib.request

import pytest

BIN = os.environ.get("GESTALT_BIN", os.path.join(os.path.dirname(__file__), "../../.build/debug/gestalt"))


def wait_for(what, condition, timeout=30):
    """Polls `condition` until it returns something truthy, which it returns."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("timed out waiting for " + what)


def get_json(url, timeout=10):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return json.load(r)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, *args):
        self.port = free_port()
        # History in a directory of its own unless the test names one: a shared
        # ./gestalt-data would carry one test's recorded topology into the next.
        data_dir = [] if {"--data-dir", "--no-history", "--history-url"} & set(args) else ["--data-dir", tempfile.mkdtemp(prefix="gestalt-sys-")]
        self.proc = subprocess.Popen(
            [BIN, "serve", "--host", "127.0.0.1", "--port", str(self.port), *data_dir, *args],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/readyz", timeout=1) as r:
                    if r.status == 200:
                        return
            except Exception:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("gestalt did not become ready")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


@pytest.fixture
def server_factory():
    started = []

    def make(*args):
        server = Server(*args)
        started.append(server)
        return server

    yield make
    for server in started:
        server.stop()
