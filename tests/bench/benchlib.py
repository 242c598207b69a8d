"""What the browser benchmarks share: Chromium's flags here, the binary, ports, waiting."""
import os
import socket
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Headless Chromium renders WebGL2 here only through SwiftShader.
CHROME_ARGS = ["--headless=new", "--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader"]
WINDOW = (1280, 800)


def default_bin(name="gestalt"):
    """The release build of `name` if there is one, else the debug build; GESTALT_BIN overrides `gestalt`."""
    env = os.environ.get("GESTALT_BIN") if name == "gestalt" else None
    if env:
        return env
    release = ROOT / ".build" / "release" / name
    return str(release if release.exists() else ROOT / ".build" / "debug" / name)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, timeout, message, interval=0.1):
    """Polls until predicate() is truthy (exceptions count as not yet); raises after timeout."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = predicate()
        except Exception as err:  # page loading, server starting
            last = err
        if last and not isinstance(last, Exception):
            return last
        time.sleep(interval)
    raise RuntimeError(f"timed out after {timeout}s waiting for {message} (last: {last!r})")
