"""Servers and a load generator for the benchmarks: start a server, load it with wrk, read
its workers' CPU time and memory from /proc."""

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from common import ROOT  # also puts the checkout on sys.path

from deploy.stack import wait_port

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


def require_wrk() -> str:
    """The path of wrk, or exit saying how to install it."""
    path = shutil.which("wrk")
    if path is None:
        sys.exit("make bench needs wrk, the HTTP load generator: apt-get install wrk")
    return path


@dataclass
class Load:
    """What wrk reported for one URL."""

    requests_per_second: float
    errors: int  # non-2xx/3xx answers, socket errors and timeouts


def wrk(url: str, *, seconds: float, connections: int, headers: dict[str, str]) -> Load:
    """Load `url` with wrk (one thread, `connections` keep-alive connections)."""
    command = [require_wrk(), "-t1", f"-c{connections}", f"-d{round(seconds)}s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    errors = sum(
        int(number)
        for number in re.findall(r"(?:Non-2xx or 3xx responses|connect|read|write|timeout):? (\d+)",
                                 output)
    )  # fmt: skip
    return Load(requests_per_second=rate, errors=errors)


class Server:
    """A web server in its own process group, its workers found among its descendants."""

    def __init__(self, command: list[str], *, env: dict[str, str], port: int):
        self.command, self.env, self.port = command, env, port
        self.process = None

    def __enter__(self):
        (ROOT / "var").mkdir(exist_ok=True)
        self.log = (ROOT / "var" / "bench-server.log").open("ab")
        self.process = subprocess.Popen(
            self.command,
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=self.log,
            start_new_session=True,
        )
        if not wait_port(self.port, timeout=30):
            self.__exit__()
            sys.exit(f"{self.command[0]} did not start: see var/bench-server.log")
        time.sleep(1)  # let every worker start, not only the first to listen
        return self

    def __exit__(self, *exc_info):
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.log.close()

    def workers(self) -> list[int]:
        """The pids of the processes that serve requests: the leaves of the process tree
        (multiprocessing's resource tracker aside)."""
        children = {}
        for status in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = status.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(status.parent.name))
        leaves, stack = [], [self.process.pid]
        while stack:
            pid = stack.pop()
            if pid in children:
                stack += children[pid]
            elif b"resource_tracker" not in Path(f"/proc/{pid}/cmdline").read_bytes():
                leaves.append(pid)
        return sorted(leaves)

    @staticmethod
    def cpu_ticks(pid: int) -> int:
        """User and system CPU time of `pid`, in clock ticks."""
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])

    @staticmethod
    def resident_mb(pid: int) -> float:
        """Resident memory of `pid`, in MB."""
        pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
        return pages * PAGE_SIZE / 2**20
