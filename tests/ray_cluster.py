"""A Ray cluster of real nodes on 127.0.0.1, started with Ray's own CLI as an operator would (`ray start --head`,
then `ray start --address`). Each node runs in its own session, so one node can be killed whole (raylet and its
workers) while the others go on. Used by the tests (which skip on `Unavailable`) and by bench/ray_throughput.py."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RAY = str(Path(sys.executable).with_name("ray"))
COMMON = ["--node-ip-address", "127.0.0.1", "--object-store-memory", str(100 * 1024 * 1024), "--disable-usage-stats",
          "--block"]


class Unavailable(Exception):
    """Ray is not installed or cannot start a node on this machine; the message says which."""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LocalCluster:
    def __init__(self, cpus_per_node: int = 1) -> None:
        try:
            import ray  # noqa: F401
        except ImportError:
            raise Unavailable("Ray is not installed: pip install -e '.[cluster]'") from None
        self.cpus = cpus_per_node
        self.port = _free_port()
        self.address = f"127.0.0.1:{self.port}"
        # Short: Ray's unix sockets live under it and their paths are limited to ~100 bytes.
        self.temp = tempfile.mkdtemp(prefix="rt", dir="/tmp")
        self.nodes: list[subprocess.Popen[bytes]] = []
        self.logs: list[Path] = []

    def _start(self, args: list[str], want: int) -> subprocess.Popen[bytes]:
        log = Path(self.temp) / f"node{len(self.nodes)}.log"
        command = [RAY, "start", *args, *COMMON, "--num-cpus", str(self.cpus)]
        proc = subprocess.Popen(command, stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True)
        self.nodes.append(proc)
        self.logs.append(log)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                tail = log.read_text(errors="replace").strip().splitlines()[-1:] or ["no output"]
                self.stop()
                raise Unavailable(f"Ray cannot start a node here: {tail[0]}")
            if self.alive() >= want:
                return proc
            time.sleep(1)
        self.stop()
        raise Unavailable(f"Ray started no node {want} within 90 s (log: {log})")

    def start(self, nodes: int = 2) -> LocalCluster:
        self._start(["--head", "--port", str(self.port), "--include-dashboard=false", "--temp-dir", self.temp], 1)
        for n in range(2, nodes + 1):
            self.add_node(n)
        return self

    def add_node(self, want: int) -> subprocess.Popen[bytes]:
        return self._start(["--address", self.address], want)

    def alive(self) -> int:
        """Nodes the cluster counts as active (`ray status`, as an operator reads it)."""
        proc = subprocess.run([RAY, "status", "--address", self.address], capture_output=True, text=True, timeout=60)
        if proc.returncode != 0:
            return 0
        text = proc.stdout.split("Active:", 1)[-1].split("Pending:", 1)[0]
        return sum(1 for line in text.splitlines() if "node_" in line)

    def running(self, node: subprocess.Popen[bytes], task: str) -> bool:
        """Whether `node` is running a task of function `task` now (Ray names the worker process `ray::<task>`)."""
        out = subprocess.run(["ps", "-eo", "sid=,args="], capture_output=True, text=True).stdout
        return any(line.split(None, 1)[0] == str(node.pid) and f"ray::{task}" in line
                   for line in out.splitlines() if line.strip())

    def kill(self, node: subprocess.Popen[bytes]) -> None:
        """SIGKILL the node's whole session: its raylet and every worker on it, with no goodbye to the head."""
        os.killpg(node.pid, signal.SIGKILL)
        node.wait()

    def stop(self) -> None:
        for node in reversed(self.nodes):
            if node.poll() is None:
                os.killpg(node.pid, signal.SIGTERM)
        for node in reversed(self.nodes):
            try:
                node.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(node.pid, signal.SIGKILL)
        # --block's children may outlive it by a moment; nothing of the cluster may outlive the tests.
        for node in self.nodes:
            try:
                os.killpg(node.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
