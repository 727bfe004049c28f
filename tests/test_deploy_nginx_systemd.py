"""The nginx site and the systemd units of deploy/: nginx and systemd accept them as they are,
and they agree with each other and with the site's limits. (They run for real, with the same
commands, in tests/stack.)"""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from core import consumers
from deploy.stack import UNITS, unit

NGINX_SITE = Path(settings.BASE_DIR) / "deploy" / "nginx" / "microblog.conf"
SERVICES = [
    "microblog-web.service",
    "microblog-worker@.service",
    "microblog-housekeeping.service",
    "microblog-backup.service",
]


def nginx_site() -> str:
    return NGINX_SITE.read_text()


@pytest.mark.skipif(not shutil.which("nginx"), reason="nginx is not installed")
def test_nginx_accepts_the_site_as_it_is(tmp_path):
    main = tmp_path / "nginx.conf"
    main.write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n    include /etc/nginx/mime.types;\n    include {NGINX_SITE};\n}}\n"
    )
    result = subprocess.run(
        ["nginx", "-t", "-p", str(tmp_path), "-c", str(main)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr


def test_nginx_refuses_what_the_site_refuses():
    megabytes = re.search(r"client_max_body_size (\d+)m;", nginx_site()).group(1)
    assert int(megabytes) * 1024 * 1024 == settings.REQUEST_MAX_BYTES


def test_the_websocket_location_upgrades_and_outlives_the_pings():
    cable = re.search(r"location = /cable \{(.*?)\n    \}", nginx_site(), re.S).group(1)
    assert "proxy_set_header Upgrade $http_upgrade;" in cable
    assert "proxy_set_header Connection $microblog_connection;" in cable
    assert "proxy_http_version 1.1;" in cable
    timeout = int(re.search(r"proxy_read_timeout (\d+)s;", cable).group(1))
    assert timeout > 10 * settings.LIVE_PING_SECONDS


def test_one_address_holds_a_bounded_number_of_live_connections():
    """As the site counts them per process (core.consumers), nginx counts them per address;
    and the web server may hold far more sockets than the usual 1,024 files."""
    cable = re.search(r"location = /cable \{(.*?)\n    \}", nginx_site(), re.S).group(1)
    zone = re.search(r"limit_conn_zone \$binary_remote_addr zone=(\w+):", nginx_site()).group(1)
    limit = int(re.search(rf"limit_conn {zone} (\d+);", cable).group(1))
    assert limit == consumers.MAX_CLIENT_SOCKETS
    assert "limit_conn_status 429;" in cable
    assert int(unit("microblog-web.service")["Service"]["LimitNOFILE"]) >= 65536


def test_nginx_proxies_to_the_socket_the_web_unit_listens_on():
    environment = unit("microblog-web.service")["Service"]["Environment"]
    socket = re.search(r"SOCKET=(\S+)", environment).group(1)
    assert f"server unix:{socket} " in nginx_site()


def test_nginx_forwards_what_the_site_reads():
    site = nginx_site()
    for header in ("Host $http_host", "X-Forwarded-For $proxy_add_x_forwarded_for",
                   "X-Forwarded-Proto $scheme", "X-Request-ID $request_id"):  # fmt: skip
        assert site.count(f"proxy_set_header {header};") == 2, header  # / and /cable


def test_only_hashed_static_files_are_cached_for_a_year():
    cache = re.search(r"map \$uri \$microblog_static_cache \{\n\s+\"(.+?)\"", nginx_site())
    hashed = re.compile(cache.group(1).removeprefix("~"))
    assert hashed.search("/static/app.4b3d4d576e48.css")
    assert not hashed.search("/static/app.css")
    assert not hashed.search("/static/vendor/turbo/VERSION")


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd is not installed")
def test_systemd_accepts_the_units(tmp_path):
    """Copies with the checkout's paths (systemd checks that ExecStart exists)."""
    moved = {
        "/srv/microblog/var": str(tmp_path / "var"),
        "/srv/microblog": str(settings.BASE_DIR),
        "/etc/microblog/env": str(tmp_path / "env"),
    }
    (tmp_path / "env").write_text("")
    (tmp_path / "var").mkdir()
    names = {"microblog-worker@.service": "microblog-worker@1.service"}
    for source in UNITS.iterdir():
        text = source.read_text()
        for path, replacement in moved.items():
            text = text.replace(path, replacement)
        (tmp_path / names.get(source.name, source.name)).write_text(text)
    checked = [str(tmp_path / names.get(name, name)) for name in SERVICES]
    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *checked,
         str(tmp_path / "microblog-housekeeping.timer"), str(tmp_path / "microblog-backup.timer")],
        capture_output=True, text=True,
    )  # fmt: skip
    # Settings systemd cannot read are only warned about: any output is a mistake.
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


@pytest.mark.parametrize("name", SERVICES)
def test_units_are_sandboxed_and_write_only_the_data(name):
    service = unit(name)["Service"]
    assert service["ProtectSystem"] == "strict"
    assert service["ReadWritePaths"].split()[0] == "/srv/microblog/var"
    assert set(service["ReadWritePaths"].split()) <= {
        "/srv/microblog/var",
        "/var/backups/microblog",
    }
    assert service["NoNewPrivileges"] == "true"
    assert service["User"] == "microblog"


def test_long_running_units_come_back_and_stop_gently():
    web = unit("microblog-web.service")["Service"]
    worker = unit("microblog-worker@.service")["Service"]
    assert web["Restart"] == worker["Restart"] == "always"
    assert "--no-reload" in worker["ExecStart"]
    # A worker finishes its task before it stops: SIGTERM to it alone, minutes to finish.
    assert worker["KillMode"] == "mixed" and int(worker["TimeoutStopSec"]) >= 300


def test_housekeeping_runs_daily_and_catches_up():
    timer = unit("microblog-housekeeping.timer")["Timer"]
    assert timer["OnCalendar"] == "daily" and timer["Persistent"] == "true"
    assert unit("microblog-housekeeping.service")["Service"]["ExecStart"].endswith(
        "manage.py housekeeping"
    )


def test_backups_run_nightly_as_the_site_with_its_settings():
    """As the site's user and with its environment: run by hand without them, a backup
    would copy another (empty) database."""
    service = unit("microblog-backup.service")["Service"]
    assert service["User"] == "microblog"
    assert service["EnvironmentFile"] == "/etc/microblog/env"
    assert service["ExecStart"].endswith("manage.py backup /var/backups/microblog")
    timer = unit("microblog-backup.timer")["Timer"]
    assert timer["Persistent"] == "true" and timer["OnCalendar"].endswith("02:00:00")
