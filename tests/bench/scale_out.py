"""Scale-out bench (issue 20, docs/SCALE-OUT.md): real nats-server and real
gestalt binaries on this machine.

For 1, 2 and 3 `gestalt edge` behind one `gestalt collect` (the simulator at
--rate changes/s), --clients SSE clients per edge: aggregate deliveries/s
(messages every client received, per second) and each client's share. Then
the backplane's added latency: a client's receive time minus the update's
`timestamp` (set when the collector's store applied it; one machine, one
clock), p50/p99, through an edge and straight from a `gestalt serve` running
the same simulator. The difference is what collector → JetStream → edge adds.

    python3 tests/bench/scale_out.py --edges 1 2 3 --clients 50 --rate 200 --seconds 15

Clients count `id:` lines on raw sockets (cheap, so the tool is not the
limit); one client per process parses every message for its timestamp.
"""
import argparse
import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import urllib.request
from datetime import datetime

from benchlib import default_bin, free_port, wait_until

BIN = default_bin()


def start(*args):
    return subprocess.Popen(list(args), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop(processes):
    for p in reversed(processes):
        if p.poll() is None:
            p.terminate()
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()


def ready(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(b"GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            return s.recv(64).startswith(b"HTTP/1.1 200")
    except OSError:
        return False


class Client(threading.Thread):
    """One SSE client: counts messages; with `timing`, keeps receive - timestamp of each update."""

    def __init__(self, port, timing=False):
        super().__init__(daemon=True)
        self.port, self.timing = port, timing
        self.count, self.delays, self.running = 0, [], True
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.sendall(b"GET /api/infra/topology/stream HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n")
        self.start()

    def run(self):
        pending = b""
        while self.running:
            try:
                chunk = self.sock.recv(1 << 16)
            except OSError:
                return
            if not chunk:
                return
            now = time.time()
            if not self.timing:
                self.count += chunk.count(b"\nid: ") + chunk.startswith(b"id: ")
                continue
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for line in lines:
                if line.startswith(b"data: {\"kind\""):
                    self.count += 1
                    update = json.loads(line[6:])
                    if update["kind"] != "full":
                        stamp = datetime.fromisoformat(update["timestamp"].replace("Z", "+00:00")).timestamp()
                        self.delays.append(now - stamp)

    def close(self):
        self.running = False
        self.sock.close()


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))] if values else float("nan")


def get_json(url):
    with urllib.request.urlopen(url, timeout=5) as r:
        return json.load(r)


def counters(collector, monitor):
    """The collector store's revision and the topology stream's last sequence, for rates."""
    revision = get_json(f"http://127.0.0.1:{collector}/readyz")["revision"]
    jsz = get_json(f"http://127.0.0.1:{monitor}/jsz?accounts=true&streams=true")
    streams = [s for a in jsz.get("account_details", []) for s in a.get("stream_detail", [])]
    last = next((s["state"]["last_seq"] for s in streams if s["name"] == "GESTALT_TOPOLOGY"), 0)
    return revision, last


def cpu_seconds(process):
    """User + system CPU a process has used so far, from /proc."""
    with open(f"/proc/{process.pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(ports, clients, seconds, probe=None, watched=()):
    """Clients spread over `ports`; returns (deliveries/s, per-client/s, delays in s, counter rates,
    CPU seconds per second of each `watched` process over the window)."""
    group = []
    for port in ports:
        group.append(Client(port, timing=True))
        group += [Client(port) for _ in range(clients - 1)]
    # Steady state only: past the connect and the `full`, and past the backlog a
    # collector publishes at its start (one acknowledged publish at a time):
    # until the newest updates reach a client within a second, or 60 s.
    time.sleep(3)
    timing = [c for c in group if c.timing]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        recent = [sorted(c.delays[-20:])[len(c.delays[-20:]) // 2] for c in timing if len(c.delays) >= 20]
        if len(recent) == len(timing) and max(recent) < 1.0:
            break
        time.sleep(0.5)
    start_counts, t0 = [c.count for c in group], time.monotonic()
    before = probe() if probe else None
    cpu_before = [cpu_seconds(p) for p in watched]
    for c in group:
        c.delays.clear()
    time.sleep(seconds)
    elapsed = time.monotonic() - t0
    cpu = [(cpu_seconds(p) - b) / elapsed for p, b in zip(watched, cpu_before)]
    rates = [(b - a) / elapsed for a, b in zip(before, probe())] if probe else None
    total = sum(c.count - s for c, s in zip(group, start_counts))
    delays = [d for c in group for d in c.delays]
    for c in group:
        c.close()
    return total / elapsed, total / elapsed / len(group), delays, rates, cpu


def demo(args):
    return ["--no-history", "--demo-seed", "7", "--demo-rate", str(args.rate), "--demo-size", str(args.size)]


def run_edges(count, args):
    nats_port, monitor, store = free_port(), free_port(), tempfile.mkdtemp(prefix="gestalt-bench-js-")
    nats = shutil.which("nats-server") or "/usr/sbin/nats-server"
    processes = [start(nats, "-a", "127.0.0.1", "-p", str(nats_port), "-m", str(monitor), "-js", "-sd", store)]
    try:
        url = f"nats://127.0.0.1:{nats_port}"
        collector = free_port()
        processes.append(collecting := start(BIN, "collect", "--jetstream", url, "--cluster", "bench", "--host", "127.0.0.1",
                               "--port", str(collector), *demo(args)))
        wait_until(lambda: ready(collector), 60, "the collector")
        ports = [free_port() for _ in range(count)]
        edges = [start(BIN, "edge", "--jetstream", url, "--host", "127.0.0.1", "--port", str(port)) for port in ports]
        processes += edges
        wait_until(lambda: all(ready(p) for p in ports), 60, "the edges")
        return measure(ports, args.clients, args.seconds, probe=lambda: counters(collector, monitor),
                       watched=[collecting, *edges])
    finally:
        stop(processes)
        shutil.rmtree(store, ignore_errors=True)


def run_serve(args):
    port = free_port()
    processes = [start(BIN, "serve", "--host", "127.0.0.1", "--port", str(port), *demo(args))]
    try:
        wait_until(lambda: ready(port), 60, "serve")
        return measure([port], args.clients, args.seconds, watched=processes)
    finally:
        stop(processes)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--edges", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--clients", type=int, default=50, help="SSE clients per edge")
    parser.add_argument("--rate", type=int, default=200, help="simulated changes/s")
    parser.add_argument("--size", type=int, default=1000, help="simulated entities")
    parser.add_argument("--seconds", type=float, default=15)
    args = parser.parse_args()
    print(f"binary: {BIN}")
    # CPU is a fraction of one core over the window; an edge's µs per update is
    # its CPU over the topology stream's published/s (what every edge ingests).
    print("| setup | clients | deliveries/s | per client/s | latency p50 ms | p99 ms | store updates/s | published/s "
          "| collector CPU | edge CPU (each) | edge µs per update |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    rate, each, delays, _, (cpu,) = run_serve(args)
    print(f"| serve | {args.clients} | {rate:,.0f} | {each:,.1f} | {percentile(delays, 0.5) * 1000:.1f} | "
          f"{percentile(delays, 0.99) * 1000:.1f} | | | {cpu:.2f} | | |", flush=True)
    for count in args.edges:
        rate, each, delays, (updates, published), (collector, *edges) = run_edges(count, args)
        per_update = " / ".join(f"{e / published * 1e6:,.0f}" for e in edges) if published else "-"
        print(f"| {count} edge{'s' if count > 1 else ''} | {args.clients * count} | {rate:,.0f} | {each:,.1f} | "
              f"{percentile(delays, 0.5) * 1000:.1f} | {percentile(delays, 0.99) * 1000:.1f} | "
              f"{updates:,.0f} | {published:,.0f} | {collector:.2f} | {' / '.join(f'{e:.2f}' for e in edges)} "
              f"| {per_update} |", flush=True)


if __name__ == "__main__":
    main()
