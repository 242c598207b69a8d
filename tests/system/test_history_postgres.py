"""History in PostgreSQL through the real binary (`--history-url`): a bad URL
or an unreachable server stops it before it listens; on a real server
(initdb in a temp dir) it survives kill -9 exactly as on SQLite."""
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import pytest

from conftest import BIN, free_port
from test_history import check_kill_9_resume, get

PG = "/usr/lib/postgresql/15/bin"


def as_postgres(command):
    """PostgreSQL refuses to run as root: run it as `postgres` (setpriv execs, so signals reach it)."""
    if os.getuid() != 0:
        return command
    return ["setpriv", "--reuid=postgres", "--regid=postgres", "--clear-groups", "--", *command]


@pytest.fixture
def postgres_url():
    """A database `history` on a fresh PostgreSQL 15 server on a free port; the server is stopped and removed afterwards."""
    directory = tempfile.mkdtemp(prefix="gestalt-sys-pg-")
    if os.getuid() == 0:
        shutil.chown(directory, "postgres", "postgres")
    subprocess.run(as_postgres([f"{PG}/initdb", "-D", f"{directory}/data", "-U", "postgres", "--auth=trust", "-E", "UTF8",
                                "--locale=C", "--no-sync"]), check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen(as_postgres([f"{PG}/postgres", "-D", f"{directory}/data", "-p", str(port), "-k", directory,
                                           "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"]),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 30
        while subprocess.run([f"{PG}/pg_isready", "-q", "-h", "127.0.0.1", "-p", str(port)]).returncode != 0:
            assert server.poll() is None and time.time() < deadline, "postgres did not start"
            time.sleep(0.1)
        subprocess.run([f"{PG}/psql", "-X", "-q", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-c", "CREATE DATABASE history"],
                       check=True, capture_output=True)
        yield f"postgres://postgres@127.0.0.1:{port}/history"
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)
        shutil.rmtree(directory, ignore_errors=True)


def refused(*args):
    """Runs `gestalt serve` expecting it to stop at start: (stderr, port), after checking nothing listens."""
    port = free_port()
    result = subprocess.run([BIN, "serve", "--host", "127.0.0.1", "--port", str(port), *args], capture_output=True, text=True, timeout=60)
    assert result.returncode != 0, result.stderr
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0, "nothing listens"
    return result.stderr


def test_a_url_that_is_not_postgres_is_refused_before_anything_listens():
    stderr = refused("--history-url", "http://127.0.0.1:5432/history")
    assert "--history-url must be a postgres://" in stderr


def test_an_unreachable_server_stops_gestalt_before_it_listens_and_hides_the_password():
    nobody = free_port()
    stderr = refused("--history-url", f"postgres://gestalt:s3cret@127.0.0.1:{nobody}/history")
    assert f"cannot open history database postgres://gestalt@127.0.0.1:{nobody}/history" in stderr, stderr
    assert "s3cret" not in stderr


def test_a_missing_database_is_a_clear_error(postgres_url):
    stderr = refused("--history-url", postgres_url.replace("/history", "/nowhere"))
    assert "cannot open history database" in stderr and "nowhere" in stderr, stderr


def test_data_dir_and_history_url_together_are_refused(tmp_path):
    stderr = refused("--data-dir", str(tmp_path), "--history-url", "postgres://postgres@127.0.0.1:1/history")
    assert "--data-dir or --history-url, not both" in stderr


def test_the_yaml_files_url_selects_postgres(postgres_url, tmp_path):
    config = tmp_path / "gestalt.yaml"
    config.write_text(f"collectors:\n  simulator: {{enabled: true, seed: 4, size: 60, rate: 20}}\nhistory:\n  url: {postgres_url}\n")
    port = free_port()
    proc = subprocess.Popen([BIN, "serve", "--host", "127.0.0.1", "--port", str(port), "--config", str(config), "--no-layout"],
                            stdout=subprocess.DEVNULL, stderr=open(tmp_path / "gestalt.log", "w"), cwd=tmp_path)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.time() + 30
        while True:
            try:
                revision = get(url + "/api/infra/topology")[1]["revision"]
                if get(url + f"/api/infra/topology?at={revision}")[0] == 200:
                    break
            except OSError:
                pass
            assert time.time() < deadline, "history in PostgreSQL never answered"
            time.sleep(0.1)
        assert not (tmp_path / "gestalt-data").exists(), "no SQLite file when the file names a database"
        count = subprocess.run([f"{PG}/psql", "-X", "-A", "-t", postgres_url, "-c", "SELECT count(*) FROM checkpoints"],
                               check=True, capture_output=True, text=True).stdout.strip()
        assert int(count) >= 1
        started = time.time()
        proc.terminate()
        proc.wait(timeout=15)
        assert proc.returncode == 0, (tmp_path / "gestalt.log").read_text()[-2000:]
        assert time.time() - started < 5, "a graceful stop closes the pool promptly:\n" + (tmp_path / "gestalt.log").read_text()[-2000:]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_a_kill_9_loses_no_durable_revision_on_postgres_either(server_factory, postgres_url):
    check_kill_9_resume(server_factory, "--history-url", postgres_url)
