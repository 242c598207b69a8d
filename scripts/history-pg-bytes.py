"""How close PostgreSQL history's live-bytes count (what --history-max-bytes
bounds) is to what the tables take, and what DELETE and VACUUM do to their
size on disk (docs/HISTORY.md, "Retention on each backend").

    GESTALT_BIN=$(swift build --show-bin-path)/gestalt python3 scripts/history-pg-bytes.py [seconds]

Starts a PostgreSQL 15 server (initdb in a temp dir) and gestalt on the demo
with --history-url for `seconds` (default 120), then compares."""
import os, sys, time, subprocess, shutil, signal, tempfile
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../tests/system"))
from conftest import free_port
from test_history_postgres import as_postgres, PG
BIN = os.environ["GESTALT_BIN"]
d = tempfile.mkdtemp(prefix="measure-pg-")
if os.getuid() == 0: shutil.chown(d, "postgres", "postgres")
subprocess.run(as_postgres([f"{PG}/initdb", "-D", f"{d}/data", "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"]), check=True, capture_output=True)
port = free_port()
pg = subprocess.Popen(as_postgres([f"{PG}/postgres", "-D", f"{d}/data", "-p", str(port), "-k", d, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"]), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
def psql(sql):
    return subprocess.run([f"{PG}/psql", "-X", "-A", "-t", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-d", "history", "-c", sql], check=True, capture_output=True, text=True).stdout.strip()
try:
    while subprocess.run([f"{PG}/pg_isready", "-q", "-h", "127.0.0.1", "-p", str(port)]).returncode != 0: time.sleep(0.1)
    subprocess.run([f"{PG}/psql", "-X", "-q", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-c", "CREATE DATABASE history"], check=True)
    gport = free_port()
    g = subprocess.Popen([BIN, "serve", "--host", "127.0.0.1", "--port", str(gport), "--history-url", f"postgres://postgres@127.0.0.1:{port}/history", "--demo-seed", "3", "--no-layout"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(int(sys.argv[1]) if len(sys.argv) > 1 else 120)
    g.terminate(); g.wait(timeout=20)
    disk = "pg_total_relation_size('updates')+pg_total_relation_size('checkpoints')+pg_total_relation_size('gaps')+pg_total_relation_size('events')+pg_total_relation_size('samples')"
    print("rows", psql("SELECT (SELECT count(*) FROM updates), (SELECT count(*) FROM checkpoints), (SELECT count(*) FROM events), (SELECT count(*) FROM samples)"))
    print("live", psql("SELECT live FROM history_bytes"), "disk", psql(f"SELECT {disk}"))
    psql("VACUUM FULL updates"); psql("VACUUM FULL checkpoints"); psql("VACUUM FULL gaps"); psql("VACUUM FULL events"); psql("VACUUM FULL samples")
    print("after VACUUM FULL: disk", psql(f"SELECT {disk}"))
    # delete half the samples and updates, plain VACUUM: what disk does
    psql("DELETE FROM samples WHERE at < (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY at) FROM samples)")
    psql("DELETE FROM updates WHERE revision < (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY revision) FROM updates)")
    print("after deleting the older half of updates and samples: disk", psql(f"SELECT {disk}"))
    for t in ["updates", "samples"]: psql(f"VACUUM {t}")
    print("after plain VACUUM: disk", psql(f"SELECT {disk}"))
finally:
    pg.send_signal(signal.SIGINT); pg.wait(timeout=30); shutil.rmtree(d, ignore_errors=True)
