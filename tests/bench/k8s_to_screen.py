#!/usr/bin/env python3
"""Watch event → screen (issue 14; results in docs/BENCHMARKS.md, "Watch event to screen").

Runs `gestalt-bench kubernetes` (the project's fake Kubernetes API server,
the real Kubernetes source and a gestalt server, in one process; see
docs/BENCHMARKS.md "Kubernetes source"), opens the UI served by that server
in headless Chromium (SwiftShader), and times each pod change from its write
into the fake to the end of the browser frame that draws the changed pod.

How the two ends are timed, on one machine and one wall clock:
  write    the bench writes change `seq` at started + (seq + 1) / rate
           (Task.sleep(until:) on absolute deadlines, so no drift); `started`
           is when its "SSE clients connected" line arrives here (stdout is
           line-buffered through stdbuf). Error: the line's pipe latency
           (under 1 ms) makes latencies look shorter, a late wake-up of the
           writer makes them look longer; both are small against the target.
  screen   the page's latency probe (ui/js/latency-probe.js, armed on the
           pod label `bench-seq`) stamps, in epoch ms, when the stream message
           arrived, when its batch was applied and when the frame that
           uploaded the changed record finished (before the compositor shows
           it: add up to one frame interval for the pixels).

Only changes written after the page is loaded and armed are counted.

Usage:
  python3 tests/bench/k8s_to_screen.py [--pods 2000] [--namespaces 20]
      [--rate 10] [--seconds 60] [--bin PATH]

Writes artifacts/k8s-to-screen.json and artifacts/k8s-to-screen.png.
"""
import argparse
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import CHROME_ARGS, ROOT, WINDOW, default_bin, free_port, wait_until  # noqa: E402
ARTIFACTS = ROOT / "artifacts"



def percentile(sorted_values, q):
    if not sorted_values:
        return float("nan")
    i = min(len(sorted_values) - 1, max(0, round(q * (len(sorted_values) - 1))))
    return sorted_values[i]


def describe(values):
    v = sorted(values)
    return {"n": len(v), "p50": percentile(v, 0.5), "p90": percentile(v, 0.9), "p99": percentile(v, 0.99), "max": v[-1] if v else float("nan")}


class Bench:
    """`gestalt-bench kubernetes`, its stdout read line by line with arrival times."""

    def __init__(self, binary, args):
        self.lines = []
        self.started_at = None
        cmd = ["stdbuf", "-oL", binary, "kubernetes", *args]
        print("$", " ".join(cmd[2:]), flush=True)
        self.process = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.process.stdout:
            now = time.time()
            if self.started_at is None and "SSE clients connected" in line:
                self.started_at = now
            self.lines.append(line.rstrip("\n"))
            print("  bench:", line.rstrip("\n"), flush=True)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.reader.join(timeout=5)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pods", type=int, default=2000)
    ap.add_argument("--namespaces", type=int, default=20)
    ap.add_argument("--apps-per-namespace", type=int, default=5)
    ap.add_argument("--rate", type=int, default=10, help="pod changes per second")
    ap.add_argument("--seconds", type=int, default=60, help="seconds of pod changes (the page loads during the first ones)")
    ap.add_argument("--bin", default=default_bin("gestalt-bench"), help="the gestalt-bench binary")
    args = ap.parse_args()

    port = free_port()
    bench = Bench(args.bin, ["--pods", str(args.pods), "--namespaces", str(args.namespaces),
                             "--apps-per-namespace", str(args.apps_per_namespace), "--rate", str(args.rate),
                             "--seconds", str(args.seconds), "--clients", "1", "--port", str(port)])
    options = webdriver.ChromeOptions()
    for arg in CHROME_ARGS + [f"--window-size={WINDOW[0]},{WINDOW[1]}"]:
        options.add_argument(arg)
    driver = None
    records = []
    try:
        wait_until(lambda: bench.started_at, 600, "the bench's streaming phase", interval=0.05)
        driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        g = lambda call: driver.execute_script(f"return window.gestalt ? window.gestalt.{call} : null")  # noqa: E731
        driver.get(f"http://127.0.0.1:{port}/")
        wait_until(lambda: g("status()") == "Connected", 60, "page connected")
        wait_until(lambda: (g("entityCount()") or 0) > args.pods, 60, "every pod in the page")
        # Let the first full picture settle (fade-ins, fit) before timing.
        time.sleep(2)
        g("armLatencyProbe('bench-seq')")
        armed_at = time.time()
        print(f"page loaded with {g('entityCount()')} entities ({g('connectionCount()')} connections); probe armed", flush=True)
        while bench.process.poll() is None:
            time.sleep(1)
            records += g("latencyRecords(true)") or []
        records += g("latencyRecords(true)") or []
        fps = g("fps()")
        ARTIFACTS.mkdir(exist_ok=True)
        driver.save_screenshot(str(ARTIFACTS / "k8s-to-screen.png"))
    finally:
        if driver:
            driver.quit()
        bench.stop()

    interval = 1.0 / args.rate
    rows = []
    for r in records:
        seq = int(r["value"])
        written = (bench.started_at + (seq + 1) * interval) * 1000
        if written < armed_at * 1000:
            continue  # written before the page was ready to see it
        rows.append({
            "seq": seq,
            "to_screen": r["drawn"] - written,
            "to_page": r["received"] - written,
            "in_page": r["drawn"] - r["received"],
            "batch_wait": r["applied"] - r["received"],
            "frame": r["drawn"] - r["applied"],
        })
    if not rows:
        raise SystemExit("no changes timed: the page saw none after it was armed")
    summary = {k: describe([row[k] for row in rows]) for k in ("to_screen", "to_page", "in_page", "batch_wait", "frame")}
    sse_line = next((line for line in bench.lines if line.startswith("watch event → SSE client latency")), "")
    result = {"args": vars(args), "fps_at_end": fps, "bench_sse_latency": sse_line, "summary": summary, "rows": rows}
    (ARTIFACTS / "k8s-to-screen.json").write_text(json.dumps(result, indent=1))
    fmt = lambda d: f"p50 {d['p50']:.1f} ms, p90 {d['p90']:.1f} ms, p99 {d['p99']:.1f} ms, max {d['max']:.1f} ms (n = {d['n']})"  # noqa: E731
    print()
    print(f"watch event → on screen:        {fmt(summary['to_screen'])}")
    print(f"  write → message in the page:  {fmt(summary['to_page'])}")
    print(f"  message → frame drawn:        {fmt(summary['in_page'])}")
    print(f"    of which batch wait:        {fmt(summary['batch_wait'])}")
    print(f"    of which apply → frame end: {fmt(summary['frame'])}")
    print(f"  fps at the end: {fps:.1f}; the bench's own SSE client: {sse_line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
