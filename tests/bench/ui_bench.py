#!/usr/bin/env python3
"""UI benchmark (issue 3, "Benchmark"; results in docs/BENCHMARKS-UI.md).

For each size it starts the real server with a seeded demo cluster streaming
200 updates/s, opens the UI in headless Chromium (SwiftShader), waits until
every entity is drawn, clicks "Fit view", opens the bare page in a second tab
and measures the two pages in alternating rounds (the hidden tab draws no
frames), so that the machine's changing load hits both alike:

  ours     frames per second of the UI page (rAF count / wall time)
  bare     frames per second of ui/bench/bare.html: the same entities with the
           same meshes, sizes, positions, framing and canvas size, one
           instanced draw per kind and nothing else (the floor)
  ratio    ours / bare (target >= 0.8 at every size)
  gpu cpu  CPU time of Chromium's GPU process per frame drawn (ms/frame, from
           /proc; SwiftShader rasterises and composites there, on all cores).
           Unlike fps it is not capped by vsync (the bare page is at 1k) and
           moves little with the machine's load, so ours/bare is the per-frame
           cost ratio behind the floor ratio
  script   main-thread JavaScript ms per frame while updates stream in, from
           Chrome's Performance.getMetrics ScriptDuration (all scripts of the
           page, panels included) divided by frames; the page's own meter
           (window.gestalt.scriptTimePerFrame: frame callback + stream
           handling + batches) is printed alongside (target < 4 ms at 10k)

Usage:
  python3 tests/bench/ui_bench.py [--sizes 1000,10000,30000] [--seconds 5]
      [--rounds 2] [--bin PATH] [--ui-from-disk]

Writes artifacts/uibench.json and screenshots artifacts/uibench-{ours,bare}-N.png.

--ui-from-disk serves ui/ from the working tree through a small proxy (the
API is forwarded to the server and the page pinned to SSE), for iterating on
the UI without rebuilding the binary (UI_BENCH_UI_DIR overrides the folder).
"""
import argparse
import glob
import http.client
import http.server
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import CHROME_ARGS, ROOT, WINDOW, default_bin, free_port, wait_until  # noqa: E402
ARTIFACTS = ROOT / "artifacts"
RATE = 200



def get_json(url, timeout=30):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return json.load(r)


class Server:
    def __init__(self, binary, size):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        ARTIFACTS.mkdir(exist_ok=True)
        self.log = open(ARTIFACTS / f"uibench-server-{size}.log", "wb")
        self.process = subprocess.Popen(
            [binary, "serve", "--host", "127.0.0.1", "--port", str(self.port),
             "--demo-seed", "1", "--demo-size", str(size), "--demo-rate", str(RATE)],
            stdout=self.log, stderr=subprocess.STDOUT)

        def ready():
            with urllib.request.urlopen(self.base + "/readyz", timeout=2) as r:
                return r.status == 200
        wait_until(ready, 120, "/readyz")

    def entity_count(self):
        return len(get_json(self.base + "/api/infra/topology").get("entities", []))

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def disk_proxy(upstream_port):
    """Serves ui/ from the working tree and forwards everything else (SSE included) upstream."""
    ui = Path(os.environ.get("UI_BENCH_UI_DIR", ROOT / "ui")).resolve()
    types = {".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml"}

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_GET(self):
            path = self.path.split("?", 1)[0]
            local = (ui / (path.lstrip("/") or "index.html")).resolve()
            if str(local).startswith(str(ui)) and local.is_file():
                body = local.read_bytes()
                self.send_response(200)
                self.send_header("Content-Type", types.get(local.suffix, "application/octet-stream"))
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)
                return
            conn = http.client.HTTPConnection("127.0.0.1", upstream_port, timeout=600)
            headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
            conn.request("GET", self.path, headers=headers)
            resp = conn.getresponse()
            self.send_response(resp.status)
            for k, v in resp.getheaders():
                if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                    self.send_header(k, v)
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            try:
                while True:
                    chunk = resp.read1(65536)
                    if not chunk:
                        break
                    self.wfile.write(chunk)
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError, http.client.IncompleteRead):
                pass
            finally:
                conn.close()

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def browser():
    options = webdriver.ChromeOptions()
    for arg in CHROME_ARGS:
        options.add_argument(arg)
    options.add_argument(f"--window-size={WINDOW[0]},{WINDOW[1]}")
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_window_size(*WINDOW)
    driver.execute_cdp_cmd("Performance.enable", {})
    return driver


COUNTER = """
if (!window.__bench) {
  window.__bench = { frames: 0 };
  const tick = () => { window.__bench.frames++; requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
}
return true;
"""


def gpu_process_cpu_ms():
    """CPU ms (user + system) used so far by Chromium GPU processes, or None off Linux."""
    total, found = 0.0, False
    for path in glob.glob("/proc/[0-9]*/cmdline"):
        try:
            if b"--type=gpu-process" not in open(path, "rb").read():
                continue
            fields = open(path.replace("cmdline", "stat")).read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")
        found = True
    return total if found else None


def metrics(driver):
    return {m["name"]: m["value"] for m in driver.execute_cdp_cmd("Performance.getMetrics", {})["metrics"]}


def measure(driver, seconds, sample=None):
    """Frames, wall time and CDP script/task time over `seconds`; `sample()` is called once a second."""
    driver.execute_cdp_cmd("Performance.enable", {})  # per tab
    driver.execute_script(COUNTER)
    time.sleep(0.5)
    m0 = metrics(driver)
    g0 = gpu_process_cpu_ms()
    f0, t0 = driver.execute_script("return [window.__bench.frames, performance.now()]")
    samples = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        time.sleep(1)
        if sample:
            samples.append(sample())
    f1, t1 = driver.execute_script("return [window.__bench.frames, performance.now()]")
    g1 = gpu_process_cpu_ms()
    m1 = metrics(driver)
    frames = f1 - f0
    wall = (t1 - t0) / 1000
    return {
        "frames": frames,
        "seconds": wall,
        "fps": frames / wall,
        "script_ms_per_frame": (m1["ScriptDuration"] - m0["ScriptDuration"]) * 1000 / max(frames, 1),
        "script_ms_per_s": (m1["ScriptDuration"] - m0["ScriptDuration"]) * 1000 / wall,
        "task_ms_per_s": (m1["TaskDuration"] - m0["TaskDuration"]) * 1000 / wall,
        "gpu_cpu_ms": (g1 - g0) if g0 is not None and g1 is not None else float("nan"),
        "samples": samples,
    }


def show(driver, handle):
    """Brings a tab to the front; the other tab is hidden and draws no frames."""
    driver.switch_to.window(handle)
    driver.execute_cdp_cmd("Page.bringToFront", {})


def screenshot(driver, name):
    """Best effort: at a frame every few seconds the screenshot can time out."""
    try:
        driver.save_screenshot(str(ARTIFACTS / name))
    except Exception as err:
        print(f"  (screenshot {name} skipped: {type(err).__name__})", flush=True)


def combine(parts):
    frames = sum(p["frames"] for p in parts)
    seconds = sum(p["seconds"] for p in parts)
    out = {"frames": frames, "seconds": seconds, "fps": frames / seconds, "rounds_fps": [p["fps"] for p in parts]}
    script = sum(p["script_ms_per_s"] * p["seconds"] for p in parts)
    task = sum(p["task_ms_per_s"] * p["seconds"] for p in parts)
    out["script_ms_per_frame"] = script / max(frames, 1)
    out["script_ms_per_s"] = script / seconds
    out["task_ms_per_s"] = task / seconds
    out["gpu_cpu_ms_per_frame"] = sum(p["gpu_cpu_ms"] for p in parts) / max(frames, 1)
    out["samples"] = [s for p in parts for s in p["samples"]]
    return out


def bench_size(binary, size, seconds, rounds, from_disk, extra_query="", skip_bare=False):
    """Our page and the bare page are two tabs of one browser; the hidden one
    draws no frames while the other is measured, and the measurements alternate
    (ours, bare, ours, bare...) so that a change in the machine's load during
    the run hits both alike."""
    load = [os.getloadavg()[0]]
    server = Server(binary, size)
    proxy = None
    drivers = []
    bare_tab = None
    try:
        base = server.base
        query = ""
        if from_disk:
            proxy, base = disk_proxy(server.port)
            query = "?transport=sse"
        if extra_query:
            query += ("&" if query else "?") + extra_query
        ours_d = browser()
        drivers.append(ours_d)
        ours_d.get(f"{base}/{query}")
        wait_until(lambda: ours_d.execute_script("return window.gestalt && window.gestalt.status() === 'Connected'"), 60, "Connected")

        def drawn():
            want = server.entity_count()
            got = ours_d.execute_script("return window.gestalt.renderedCount()")
            if abs(got - want) <= max(2, want * 0.01) and got > 0:
                return (got, want)
            raise ValueError(f"drawn {got}, server {want}")
        got, want = wait_until(drawn, 300, "renderedCount ≈ server entity count", interval=1)
        # Frame the settled picture as the bare page does (the page fits once, on its first snapshot).
        ours_d.execute_script("document.getElementById('fit-view').click()")
        time.sleep(3)  # fade-ins finish
        canvas = ours_d.execute_script(
            "const c = document.getElementById('canvas'); return [c.clientWidth, c.clientHeight, c.width, c.height]")
        bare_d = None
        ours_tab = ours_d.current_window_handle
        if not skip_bare:
            bare_d = ours_d  # the bare page is a second tab of the same browser
            ours_d.switch_to.new_window("tab")
            bare_tab = ours_d.current_window_handle
            bare_d.get(f"{base}/bench/bare.html?w={canvas[0]}&h={canvas[1]}")
            wait_until(lambda: bare_d.execute_script("return window.bare && window.bare.ready()"), 180, "bare page ready")
            show(ours_d, ours_tab)
            time.sleep(3)  # catch up with the stream while hidden
        sample = lambda: ours_d.execute_script(
            "return [window.gestalt.scriptTime(), window.gestalt.renderedCount(), window.gestalt.renderedConnectionCount(), window.gestalt.meshDetail()]")
        ours_parts, bare_parts = [], []
        rev0 = ours_d.execute_script("return window.gestalt.revision()")
        for i in range(rounds):
            ours_parts.append(measure(ours_d, seconds, sample))
            if bare_d:
                show(ours_d, bare_tab)
                time.sleep(1.5)
                bare_parts.append(measure(bare_d, seconds))
                show(ours_d, ours_tab)
                if i + 1 < rounds:
                    time.sleep(3)  # catch up with the stream while hidden
            load.append(os.getloadavg()[0])
        rev1 = ours_d.execute_script("return window.gestalt.revision()")
        ours = combine(ours_parts)
        hooks = [s[0] for s in ours["samples"] if s[0] and s[0]["frames"]]
        ours["hook_ms_per_frame"] = sum(h["msPerFrame"] for h in hooks) / len(hooks) if hooks else float("nan")
        ours["hook_ms_per_s"] = sum(h["msPerSecond"] for h in hooks) / len(hooks) if hooks else float("nan")
        last = ours["samples"][-1] if ours["samples"] else [None, got, 0, 1]
        ours["rendered"], ours["connections"], ours["mesh_detail"] = last[1], last[2], last[3]
        ours["updates_per_s"] = None  # revisions include time frozen; see server log for rates
        ours["revisions"] = rev1 - rev0
        del ours["samples"]
        screenshot(ours_d, f"uibench-ours-{size}.png")
        if bare_d:
            bare = combine(bare_parts)
            del bare["samples"]
            show(ours_d, bare_tab)
            bare["instances"] = bare_d.execute_script("return window.bare.instances()")
            bare["mesh_detail"] = bare_d.execute_script("return window.bare.meshDetail()")
            bare["draws"] = bare_d.execute_script("return window.bare.draws()")
            screenshot(bare_d, f"uibench-bare-{size}.png")
        else:
            bare = {"fps": float("nan"), "instances": 0, "mesh_detail": None}
        load.append(os.getloadavg()[0])
        return {"size": size, "entities": want, "canvas": canvas, "ours": ours, "bare": bare,
                "ratio": ours["fps"] / bare["fps"] if bare["fps"] else float("nan"), "load1": load}
    finally:
        for d in drivers:
            d.quit()
        if proxy:
            proxy.shutdown()
        server.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,30000")
    parser.add_argument("--seconds", type=float, default=5, help="seconds per measurement round")
    parser.add_argument("--rounds", type=int, default=2, help="alternating rounds per page (total = rounds x seconds)")
    parser.add_argument("--bin", default=default_bin())
    parser.add_argument("--ui-from-disk", action="store_true")
    parser.add_argument("--query", default="", help="extra query string for the UI page (experiments)")
    parser.add_argument("--skip-bare", action="store_true")
    args = parser.parse_args()
    print(f"binary {args.bin}; window {WINDOW[0]}x{WINDOW[1]}; {os.cpu_count()} cores; "
          f"load {' '.join(f'{v:.2f}' for v in os.getloadavg())}; {'ui from disk' if args.ui_from_disk else 'embedded ui'}",
          flush=True)
    results = []
    for size in [int(s) for s in args.sizes.split(",")]:
        try:
            r = bench_size(args.bin, size, args.seconds, args.rounds, args.ui_from_disk, args.query, args.skip_bare)
        except Exception as err:
            print(f"  {size}: failed: {type(err).__name__}: {str(err).splitlines()[0]}", flush=True)
            continue
        results.append(r)
        o, b = r["ours"], r["bare"]
        print(f"  {size}: drawn {o['rendered']} entities, {o['connections']} connections, mesh detail {o['mesh_detail']}, "
              f"canvas {r['canvas']}; bare {b['instances']} instances, detail {b['mesh_detail']}; "
              f"fps per round ours {[round(v, 2) for v in o['rounds_fps']]} bare {[round(v, 2) for v in b.get('rounds_fps', [])]}; "
              f"load {[round(v, 2) for v in r['load1']]}", flush=True)
    print()
    print("| size | entities | our fps | bare fps | floor ratio | GPU-process CPU ms/frame ours / bare (bare ÷ ours) | script ms/frame (CDP) | script ms/frame (hook) | script ms/s (CDP) | load (1 min) |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in results:
        o, b = r["ours"], r["bare"]
        og, bg = o.get("gpu_cpu_ms_per_frame", float("nan")), b.get("gpu_cpu_ms_per_frame", float("nan"))
        print(f"| {r['size']} | {r['entities']} | {o['fps']:.1f} | {b['fps']:.1f} | {r['ratio']:.2f} | "
              f"{og:.1f} / {bg:.1f} ({bg / og if og else float('nan'):.2f}) | "
              f"{o['script_ms_per_frame']:.2f} | {o['hook_ms_per_frame']:.2f} | {o['script_ms_per_s']:.0f} | "
              f"{' → '.join(f'{v:.1f}' for v in r['load1'])} |")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "uibench.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    sys.exit(main())
