"""`gestalt config check FILE`: the shipped files pass; each class of bad file
fails with exit 1 and one message naming the file, line, column and key."""
import os
import subprocess

import pytest

BIN = os.environ.get("GESTALT_BIN", os.path.join(os.path.dirname(__file__), "../../.build/debug/gestalt"))
CONFIG = os.path.join(os.path.dirname(__file__), "../../config")


def check(path):
    return subprocess.run([BIN, "config", "check", path], capture_output=True, text=True, timeout=30)


def test_the_plans_file_passes():
    out = check(os.path.join(CONFIG, "infrastructure.yaml"))
    assert out.returncode == 0, out.stderr
    for line in ("kubernetes: in-cluster", "docker: unix:///var/run/docker.sock", "nats: nats://localhost:4222", "otel: prometheus"):
        assert line in out.stdout, out.stdout


def test_the_example_passes_and_lists_every_source():
    out = check(os.path.join(CONFIG, "example.yaml"))
    assert out.returncode == 0, out.stderr
    for source in ("kubernetes:", "docker:", "nats:", "postgres:", "otel:"):
        assert "  " + source in out.stdout, out.stdout


def test_named_instances_are_listed(tmp_path):
    path = tmp_path / "multi.yaml"
    path.write_text(
        "collectors:\n"
        "  docker:\n"
        "    hosts:\n"
        "      - {name: build, socket: 'tcp://10.0.0.5:2375'}\n"
        "      - {name: local, socket: 'unix:///var/run/docker.sock'}\n"
        "  postgres:\n"
        "    urls: [{name: orders, url: 'postgres://app:s3cret@db:5432/orders'}]\n"
    )
    out = check(str(path))
    assert out.returncode == 0, out.stderr
    assert "docker@build: tcp://10.0.0.5:2375" in out.stdout
    assert "docker@local: unix:///var/run/docker.sock" in out.stdout
    assert "postgres@orders:" in out.stdout and "s3cret" not in out.stdout


BAD_FILES = {
    "syntax": ("collectors:\n  docker: [unclosed\n", ":3:1: invalid YAML: "),
    "unknown_key": ("collectors:\n  docker:\n    pol_interval: 3\n", ':3:5: collectors.docker.pol_interval: unknown key (did you mean "poll_interval"?)'),
    "wrong_type": ("collectors:\n  docker:\n    poll_interval: fast\n", ':3:20: collectors.docker.poll_interval: expected a number of seconds, got "fast"'),
    "negative_interval": ("collectors:\n  nats:\n    poll_interval: -1\n", ":3:20: collectors.nats.poll_interval: must be more than 0"),
    "threshold_range": ("health:\n  memory_critical_threshold: 1.5\n", ":2:30: health.memory_critical_threshold: must be from 0 to 1, got 1.5"),
    "warning_above_critical": (
        "health:\n  cpu_warning_threshold: 0.9\n  cpu_critical_threshold: 0.8\n",
        ":2:26: health.cpu_warning_threshold: cpu_warning_threshold (0.9) is above cpu_critical_threshold (0.8)",
    ),
    "duplicate_name": (
        "collectors:\n  kubernetes:\n    clusters:\n      - {name: prod}\n      - {name: prod}\n",
        ':5:16: collectors.kubernetes.clusters[1].name: duplicate name "prod": already used at line 4',
    ),
    "bad_name": ("collectors:\n  nats:\n    servers:\n      - {name: Prod, url: 'nats://x:4222'}\n", ":4:16: collectors.nats.servers[0].name: a name must match"),
    "unreadable_kubeconfig": (
        "collectors:\n  kubernetes:\n    kubeconfig: /nonexistent/kubeconfig\n",
        ":3:17: collectors.kubernetes.kubeconfig: no such file: /nonexistent/kubeconfig",
    ),
    "duplicate_key": ("visualization:\n  animation_fps: 30\n  animation_fps: 60\n", ':2:3: duplicate key "animation_fps"'),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_file_fails_with_key_and_line(tmp_path, case):
    text, expected = BAD_FILES[case]
    path = tmp_path / f"{case}.yaml"
    path.write_text(text)
    out = check(str(path))
    assert out.returncode == 1, (case, out.stdout, out.stderr)
    message = out.stderr.strip()
    assert message.startswith(str(path) + expected), (case, message)
    assert len(message.splitlines()) == 1, message
    assert out.stdout == ""


def test_missing_file_fails():
    out = check("/nonexistent/gestalt.yaml")
    assert out.returncode == 1
    assert out.stderr.strip() == "/nonexistent/gestalt.yaml: no such file"
