"""The production stack on this machine, started from the deployment files themselves.

nginx with deploy/nginx/microblog.conf in front of the web server and two task workers, each
started with the command, environment and restart policy of its unit in deploy/systemd,
and a PostgreSQL cluster and a Redis server of the stack's own (so that a test may stop
them). Paths of the files (/srv/microblog, /run/microblog, /var/log/nginx) are moved into a
folder of the stack's; nothing else is changed. Used by the stack tests (tests/stack) and
the load benchmark (bench/capacity.py); to try a deployment by hand:

    .venv/bin/python deploy/stack.py        # prints its address; Ctrl+C stops it

Needs nginx, PostgreSQL's server binaries and redis-server (Debian packages).
"""

import configparser
import contextlib
import glob
import os
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from email.message import Message
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
UNITS = DEPLOY / "systemd"
PYTHON = ROOT / ".venv" / "bin" / "python"


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_port(port: int, *, timeout: float = 15) -> bool:
    """Wait until something listens on 127.0.0.1:`port`; whether it did within `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            time.sleep(0.1)
    return False


def missing_programs() -> list[str]:
    """The programs the stack needs that this machine lacks."""
    needed = {"nginx": shutil.which("nginx"), "redis-server": shutil.which("redis-server")}
    needed["PostgreSQL (initdb)"] = postgres_bin_dir()
    return [name for name, found in needed.items() if not found]


def postgres_bin_dir() -> Path | None:
    """The newest PostgreSQL server's binaries (Debian keeps them off the PATH)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version_key)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _version_key(path: str) -> int:
    return int(Path(path).parts[4]) if Path(path).parts[4].isdigit() else 0


def unit(name: str) -> configparser.ConfigParser:
    """A systemd unit file of deploy/systemd, read (repeated keys: the last one wins)."""
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(UNITS / name)
    return parser


class Service:
    """A process run like systemd's `Restart=always`: started again `restart_seconds` after
    it exits, until `stop()`."""

    def __init__(self, name: str, command: list[str], *, env: dict, cwd: Path, log: Path,
                 restart_seconds: float = 2, stop_seconds: float = 30):  # fmt: skip
        self.name, self.command, self.env, self.cwd, self.log = name, command, env, cwd, log
        self.restart_seconds, self.stop_seconds = restart_seconds, stop_seconds
        self.process: subprocess.Popen | None = None
        self.starts = 0
        self.wanted = False
        self._lock = threading.Lock()

    def start(self) -> None:
        """Start it and keep it running."""
        self.wanted = True
        self._spawn()
        threading.Thread(target=self._watch, name=f"watch-{self.name}", daemon=True).start()

    def _spawn(self) -> None:
        with self._lock, self.log.open("ab") as output:
            self.process = subprocess.Popen(
                self.command, cwd=self.cwd, env=self.env, stdout=output,
                stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
            self.starts += 1

    def _watch(self) -> None:
        while self.wanted:
            process = self.process
            process.wait()
            if not self.wanted:
                return
            time.sleep(self.restart_seconds)
            if self.wanted and self.process is process:
                self._spawn()

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Send `sig` to the main process (as a crash or `kill` would); it comes back."""
        self.process.send_signal(sig)

    def stop(self) -> None:
        """SIGTERM its process group (systemd's stop), SIGKILL after `stop_seconds`."""
        self.wanted = False
        with self._lock:
            process = self.process
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=self.stop_seconds)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


class RedisServer(Service):
    """A Redis server on 127.0.0.1:`port` keeping nothing on disk (a cache and pushes only)."""

    def __init__(self, *, port: int, log: Path):
        command = [shutil.which("redis-server"), "--port", str(port), "--bind", "127.0.0.1",
                   "--save", "", "--appendonly", "no"]  # fmt: skip
        super().__init__("redis", command, env=dict(os.environ), cwd=log.parent, log=log)
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"

    def start(self) -> None:
        """Start it, and wait until it listens."""
        super().start()
        if not wait_port(self.port):
            raise RuntimeError(f"redis-server did not start; see {self.log}")


class Stack:
    """nginx, the web server, task workers, PostgreSQL and Redis under `root`."""

    def __init__(self, root: Path, *, workers: int = 2, settings: dict | None = None):
        self.root = root
        self.workers = workers
        for folder in ("var", "run", "log", "nginx", "pg"):
            (root / folder).mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.postgres_port = free_port()
        self.redis_port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.moved = {
            "/srv/microblog/var": str(root / "var"),
            "/srv/microblog": str(ROOT),
            "/run/microblog": str(root / "run"),
            "/var/log/nginx": str(root / "log"),
        }
        # What /etc/microblog/env holds on a server (see the README).
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C.UTF-8",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(40),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{self.postgres_port}/microblog",
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "VAR_DIR": str(root / "var"),
            "SERVE_MEDIA": "false",
            "TRUSTED_PROXY_COUNT": "1",
            "SECURE_COOKIES": "false",  # plain HTTP here
            "SITE_URL": self.url,
            "WEB_CONCURRENCY": "2",
        } | (settings or {})
        self.services: dict[str, Service] = {}

    # The parts

    def start(self) -> "Stack":
        """Start everything, run the release steps, and wait until /readyz says ready."""
        self.postgres_start(initialise=True)
        redis = RedisServer(port=self.redis_port, log=self.root / "log" / "redis.log")
        self.services["redis"] = redis
        redis.start()
        # The release steps an operator runs before (re)starting the units.
        for step in (["translate", "compile"], ["collectstatic", "--no-input"],
                     ["migrate", "--no-input"]):  # fmt: skip
            self.manage(*step)
        self._from_unit("web", "microblog-web.service").start()
        for number in range(1, self.workers + 1):
            self._from_unit(f"worker{number}", "microblog-worker@.service", instance=number).start()
        self.nginx = self._service("nginx", [
            shutil.which("nginx"), "-p", str(self.root / "nginx"), "-c", str(self._nginx_conf()),
            "-e", str(self.root / "log" / "nginx-error.log"),
        ])  # fmt: skip
        self.nginx.start()
        self.wait_ready()
        return self

    def stop(self) -> None:
        """Stop every process, web and workers first."""
        for service in reversed(list(self.services.values())):
            service.stop()
        self.postgres_stop()

    def files_remove(self) -> None:
        """Once stopped, delete its files but the logs (its PostgreSQL cluster alone is
        50 MB)."""
        for path in self.root.iterdir():
            if path.is_dir() and path.name != "log":
                shutil.rmtree(path)
            elif path.is_file():
                path.unlink()

    def __enter__(self) -> "Stack":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def _service(self, name: str, command: list[str], **options) -> Service:
        service = Service(name, command, env=self.env, cwd=ROOT,
                          log=self.root / "log" / f"{name}.log", **options)  # fmt: skip
        self.services[name] = service
        return service

    def _from_unit(self, name: str, unit_name: str, *, instance: int | None = None) -> Service:
        """A Service with the unit's ExecStart, Environment, WorkingDirectory, RestartSec and
        TimeoutStopSec, paths moved into the stack's folder."""
        section = unit(unit_name)["Service"]
        specifiers = {"%i": str(instance or ""), "%H": socket.gethostname(), "%%": "%"}

        def expand(text: str) -> str:
            for specifier, value in specifiers.items():
                text = text.replace(specifier, value)
            return self.move(text)

        env = dict(self.env)
        for assignment in shlex.split(section.get("Environment", "")):
            key, _, value = assignment.partition("=")
            env[key] = expand(value)
        service = Service(
            name, [expand(part) for part in shlex.split(section["ExecStart"])], env=env,
            cwd=Path(expand(section["WorkingDirectory"])), log=self.root / "log" / f"{name}.log",
            restart_seconds=float(section.get("RestartSec", "0.1")),
            stop_seconds=float(section.get("TimeoutStopSec", "90")),
        )  # fmt: skip
        self.services[name] = service
        return service

    def move(self, text: str) -> str:
        """`text` with the deployment's paths moved into the stack's folder."""
        for path, moved in self.moved.items():
            text = text.replace(path, moved)
        return text

    def _nginx_conf(self) -> Path:
        site = self.move((DEPLOY / "nginx" / "microblog.conf").read_text())
        site = site.replace("listen 80;", f"listen 127.0.0.1:{self.port};")
        site = site.replace("listen [::]:80;", "")
        (self.root / "nginx" / "microblog.conf").write_text(site)
        temp = self.root / "nginx"
        main = self.root / "nginx" / "nginx.conf"
        main.write_text(
            "daemon off;\n"
            + ("user root;\n" if os.geteuid() == 0 else "")
            + f"worker_processes 2;\npid {temp}/nginx.pid;\n"
            f"error_log {self.root}/log/nginx-error.log warn;\n"
            "events { worker_connections 4096; }\n"
            "http {\n    include /etc/nginx/mime.types;\n"
            "    default_type application/octet-stream;\n    sendfile on;\n"
            f"    client_body_temp_path {temp}/body;\n    proxy_temp_path {temp}/proxy;\n"
            f"    fastcgi_temp_path {temp}/fastcgi;\n    uwsgi_temp_path {temp}/uwsgi;\n"
            f"    scgi_temp_path {temp}/scgi;\n"
            f"    include {temp}/microblog.conf;\n}}\n"
        )
        return main

    # Operations

    def manage(self, *arguments: str, check: bool = True) -> str:
        """`manage.py <arguments>` with the stack's settings; its output."""
        result = subprocess.run(
            [str(PYTHON), "manage.py", *arguments], cwd=ROOT, env=self.env,
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        if check and result.returncode:
            raise RuntimeError(f"manage.py {' '.join(arguments)}: {result.stderr[-3000:]}")
        return result.stdout

    def sql(self, statement: str) -> str:
        """Run SQL in the site's database; its rows as text (psql's unaligned output)."""
        return subprocess.run(
            ["psql", "-h", "127.0.0.1", "-p", str(self.postgres_port), "-U", "postgres",
             "-d", "microblog", "-At", "-v", "ON_ERROR_STOP=1", "-c", statement],
            check=True, capture_output=True, text=True,
        ).stdout.strip()  # fmt: skip

    def get(self, path: str, *, timeout: float = 10) -> tuple[int, Message, bytes]:
        """GET `path` through nginx: status, headers (any case), body (errors included)."""
        try:
            with urllib.request.urlopen(self.url + path, timeout=timeout) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def wait_ready(self, timeout: float = 90) -> None:
        """Wait until /readyz answers 200 through nginx."""
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            try:
                last = self.get("/readyz", timeout=5)
                if last[0] == 200:
                    return
            except OSError as error:
                last = error
            time.sleep(0.3)
        raise RuntimeError(f"the stack is not ready: {last!r}; logs in {self.root / 'log'}")

    def postgres_start(self, *, initialise: bool = False) -> None:
        """Start the stack's PostgreSQL (a new cluster the first time)."""
        data = self.root / "pg" / "data"
        if initialise and not data.exists():
            self._as_postgres_owner(self.root / "pg")
            self._pg("initdb", "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                     "--locale=C.UTF-8")  # fmt: skip
        options = f"-p {self.postgres_port} -k '' -c listen_addresses=127.0.0.1"
        log = self.root / "pg" / "postgres.log"
        self._pg("pg_ctl", "-D", str(data), "-l", str(log), "-w", "-o", options, "start")
        if initialise:
            subprocess.run(
                ["createdb", "-h", "127.0.0.1", "-p", str(self.postgres_port), "-U", "postgres",
                 "microblog"], capture_output=True,
            )  # fmt: skip

    def postgres_stop(self) -> None:
        """Stop the stack's PostgreSQL at once (open connections are cut)."""
        data = self.root / "pg" / "data"
        if (data / "postmaster.pid").exists():
            self._pg("pg_ctl", "-D", str(data), "-m", "fast", "-w", "stop")

    def _pg(self, program: str, *arguments: str) -> None:
        command = [str(postgres_bin_dir() / program), *arguments]
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, cwd="/")
        if result.returncode:
            raise RuntimeError(f"{program}: {result.stdout}{result.stderr}")

    def _as_postgres_owner(self, path: Path) -> None:
        if os.geteuid() == 0:
            shutil.chown(path, "postgres", "postgres")
            # The cluster's parents must be enterable by the postgres user.
            for parent in path.parents:
                if parent == Path("/"):
                    break
                parent.chmod(parent.stat().st_mode | 0o001)


def main() -> None:
    """Run the stack until Ctrl+C."""
    if missing := missing_programs():
        sys.exit(f"Missing: {', '.join(missing)} (apt-get install nginx postgresql redis-server)")
    root = Path(tempfile.mkdtemp(prefix="microblog-stack-"))
    # `kill` stops the stack as Ctrl+C does, so that nothing is left running.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    with Stack(root) as stack:
        print(f"Microblog at {stack.url} (logs in {root / 'log'}); Ctrl+C stops it.", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            signal.pause()
    stack.files_remove()
    print(f"Stopped; its data removed, its logs kept in {root / 'log'}.", flush=True)


if __name__ == "__main__":
    main()
