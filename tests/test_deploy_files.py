"""The deployment files (deploy/compose.yaml, deploy/.env.example, Procfile, .python-version)
hold what a deployment relies on: no container engine runs here, so each property is read
from the files, and each test fails when the file breaks it."""

import ast
import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import jsonschema
import pytest
import yaml
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
SOCKET = "/run/microblog/web.sock"
STATIC = "/srv/microblog/staticfiles"
MEDIA = "/srv/microblog/var/media"
NGINX_CONF = "./nginx/microblog.conf"
ONE_SHOT = {"setup", "migrate"}
# Read by Docker Compose itself from deploy/.env, not by the site.
COMPOSE_VARIABLES = {"COMPOSE_PROFILES"}
# The site's processes in production: what they read from the environment counts too.
SCRIPTS = [ROOT / "scripts" / "serve", ROOT / "scripts" / "healthcheck"]


def compose_file() -> dict:
    """deploy/compose.yaml as Compose reads it (YAML merge keys resolved)."""
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


@pytest.fixture
def compose():
    """The compose file's contents."""
    return compose_file()


def interpolated(compose_text: str) -> set[str]:
    """The variables the compose file takes from .env: ${NAME}, ${NAME:-x}, ${NAME:?x}
    ($$ is a literal dollar for the container's shell)."""
    return set(re.findall(r"(?<!\$)\$\{([A-Z_][A-Z0-9_]*)", compose_text))


def settings_variables() -> set[str]:
    """Every variable microblog/settings.py reads: env.str("NAME"), env.int(...), env(...)."""
    tree = ast.parse((ROOT / "microblog" / "settings.py").read_text())
    names = set()
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and node.args):
            continue
        function = node.func
        reads_env = (isinstance(function, ast.Name) and function.id == "env") or (
            isinstance(function, ast.Attribute)
            and isinstance(function.value, ast.Name)
            and function.value.id == "env"
        )
        if reads_env and isinstance(node.args[0], ast.Constant):
            names.add(node.args[0].value)
    return names


def script_variables() -> set[str]:
    """Variables the production scripts read: ${NAME...} in shell, os.environ in Python."""
    names = set()
    for script in SCRIPTS:
        text = script.read_text()
        names |= set(re.findall(r"\$\{([A-Z_][A-Z0-9_]*)", text))
        names |= set(re.findall(r"os\.environ(?:\.get\(|\[)\"([A-Z_][A-Z0-9_]*)\"", text))
    return names


def env_example() -> set[str]:
    """The variables deploy/.env.example lists, set (NAME=) or shown commented (# NAME=)."""
    text = (DEPLOY / ".env.example").read_text()
    return set(re.findall(r"^(?:# )?([A-Z_][A-Z0-9_]*)=", text, flags=re.MULTILINE))


def env_example_values() -> dict[str, str]:
    """The variables deploy/.env.example sets (uncommented), with their values."""
    text = (DEPLOY / ".env.example").read_text()
    return dict(re.findall(r"^([A-Z_][A-Z0-9_]*)=(.*)$", text, flags=re.MULTILINE))


def placeholders_set(value: str) -> str:
    """A value of .env.example once the operator has set its placeholders (<...>); inside
    quotes, < and > belong to the value."""
    return value if value.startswith('"') else re.sub(r"<[^>]*>", "set", value)


def long_running(compose: dict) -> dict:
    """The services that stay up (every one but the one-shots)."""
    return {name: s for name, s in compose["services"].items() if name not in ONE_SHOT}


def volume_targets(service: dict) -> dict[str, str]:
    """A service's mounts: target path -> source (volume name or host path), with options."""
    mounts = {}
    for volume in service.get("volumes", []):
        source, target, *options = volume.split(":")
        mounts[target] = source + (":" + ":".join(options) if options else "")
    return mounts


# --- The Compose specification ---------------------------------------------------------


def test_compose_file_follows_the_compose_specification(compose):
    """The vendored JSON schema of the Compose specification accepts the file."""
    schema = json.loads((DEPLOY / "schema" / "compose-spec.json").read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    errors = [
        f"{error.json_path}: {error.message}"
        for error in jsonschema.Draft7Validator(schema).iter_errors(compose)
    ]
    assert errors == []


def test_the_vendored_schema_says_where_it_comes_from():
    """The schema keeps its source, commit and licence beside it."""
    readme = (DEPLOY / "schema" / "README.md").read_text()
    assert "170098ba07d9f53c383a41bfd4c5166b0a4529a6" in readme
    assert "Apache" in (DEPLOY / "schema" / "LICENSE").read_text()


# --- Services ---------------------------------------------------------------------------


def test_every_long_running_service_has_a_health_check_and_restarts(compose):
    """Each service that stays up says how to tell it is healthy, and comes back."""
    for name, service in long_running(compose).items():
        healthcheck = service.get("healthcheck", {})
        assert healthcheck.get("test") and not healthcheck.get("disable"), name
        assert service.get("restart") == "unless-stopped", name


def test_one_shots_run_once_and_the_site_waits_for_them(compose):
    """setup and migrate never restart; web and worker start only after they succeeded."""
    services = compose["services"]
    assert services["migrate"]["command"][-3:] == ["manage.py", "migrate", "--no-input"]
    for name in ONE_SHOT:
        assert services[name]["restart"] == "no", name
    assert services["migrate"]["depends_on"]["setup"]["condition"] == (
        "service_completed_successfully"
    )
    for name in ("web", "worker"):
        depends_on = services[name]["depends_on"]
        assert depends_on["migrate"]["condition"] == "service_completed_successfully", name
        assert "migrate" not in " ".join(services[name]["command"]), name  # never themselves


def test_dependencies_wait_until_healthy(compose):
    """A service that depends on a long-running one waits for its health check to pass."""
    services = compose["services"]
    for name, service in services.items():
        for dependency, condition in service.get("depends_on", {}).items():
            assert dependency in services, (name, dependency)
            expected = (
                "service_completed_successfully" if dependency in ONE_SHOT else "service_healthy"
            )
            assert condition["condition"] == expected, (name, dependency)
    assert {"postgres", "redis"} <= set(services["web"]["depends_on"])
    assert {"postgres", "redis"} <= set(services["worker"]["depends_on"])
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert services["nginx"]["depends_on"]["web"]["condition"] == "service_healthy"


def test_web_serves_on_the_socket_nginx_proxies_to(compose):
    """web runs scripts/serve with SOCKET in the volume nginx shares, and checks /healthz
    through it."""
    web = compose["services"]["web"]
    assert web["environment"]["SOCKET"] == SOCKET
    assert web["command"] == ["scripts/serve"]
    check = ["CMD", ".venv/bin/python", "scripts/healthcheck", "/healthz"]
    assert web["healthcheck"]["test"] == check
    socket_dir = str(Path(SOCKET).parent)
    run = volume_targets(web)[socket_dir]
    assert volume_targets(compose["services"]["nginx"])[socket_dir] == run
    assert run in compose["volumes"]


def test_workers_run_the_queue_and_have_time_to_finish_a_task(compose):
    """Two db_worker replicas, every queue, no reloader, a grace period for a running task."""
    worker = compose["services"]["worker"]
    command = worker["command"]
    assert command[1:3] == ["manage.py", "db_worker"]
    assert "--no-reload" in command and command[command.index("--queue-name") + 1] == "*"
    assert worker["deploy"]["replicas"] >= 2
    grace = re.fullmatch(r"(\d+)(s|m)", worker["stop_grace_period"])
    assert int(grace[1]) * (60 if grace[2] == "m" else 1) >= 60
    # The image's own health check asks port 8000, where no worker listens.
    assert worker["healthcheck"]["test"][-1] == "--worker"


def test_volumes_are_declared_and_shared_where_the_site_needs_them(compose):
    """Named volumes for the data; media and exports shared by web and the workers; nginx
    reads static and media read-only where microblog.conf expects them."""
    services = compose["services"]
    for name, service in services.items():
        for source in volume_targets(service).values():
            volume = source.split(":")[0]
            assert volume.startswith(".") or volume in compose["volumes"], (name, volume)
    web, worker, nginx = (volume_targets(services[name]) for name in ("web", "worker", "nginx"))
    for app in (web, worker):
        assert app["/app/var/media"] == "media"
        assert app["/app/var/private"] == "private"
    assert services["web"]["environment"]["MEDIA_ROOT"] == "/app/var/media"
    assert services["web"]["environment"]["PRIVATE_FILES_ROOT"] == "/app/var/private"
    assert nginx[STATIC] == "static:ro"
    assert nginx[MEDIA] == "media:ro"
    assert "private" not in {source.split(":")[0] for source in nginx.values()}
    assert volume_targets(services["setup"])[STATIC] == "static"
    assert (
        "cp -a /app/staticfiles/. /srv/microblog/staticfiles/" in services["setup"]["command"][-1]
    )


def test_the_database_volume_holds_the_data_directory_of_the_image(compose):
    """From postgres 18 the data lives under /var/lib/postgresql/<major>/docker: a volume at
    the old /var/lib/postgresql/data would leave it in the container, lost on upgrade."""
    postgres = compose["services"]["postgres"]
    major = int(re.match(r"postgres:(\d+)", postgres["image"])[1])
    expected = "/var/lib/postgresql" if major >= 18 else "/var/lib/postgresql/data"
    assert volume_targets(postgres)[expected] == "postgres"


def test_postgres_allows_the_connection_budget(compose):
    """max_connections covers every web process's pool, the workers and a few shells."""
    values = env_example_values()
    command = compose["services"]["postgres"]["command"]
    max_connections = int(next(arg for arg in command if arg.startswith("max_connections="))[16:])
    web_processes = int(values["WEB_CONCURRENCY"])
    pool = int(values.get("DATABASE_POOL_SIZE") or int(values["WEB_THREADS"]) + 2)
    workers = compose["services"]["worker"]["deploy"]["replicas"]
    assert web_processes * pool + workers + 5 <= max_connections


def test_redis_keeps_nothing_on_disk(compose):
    """Redis holds the cache and the channel layer only: no snapshots, no AOF, bounded."""
    command = compose["services"]["redis"]["command"]
    assert command[command.index("--save") + 1] == ""
    assert command[command.index("--appendonly") + 1] == "no"
    assert "--maxmemory" in command


def test_elasticsearch_is_optional_secured_and_bounded(compose):
    """Elasticsearch starts only with the search profile, with a password, a heap inside a
    memory limit, the ulimits it asks for; nothing waits for it."""
    services = compose["services"]
    elasticsearch = services["elasticsearch"]
    assert elasticsearch["profiles"] == ["search"]
    assert [name for name, service in services.items() if "profiles" in service] == [
        "elasticsearch"
    ]
    environment = elasticsearch["environment"]
    assert environment["discovery.type"] == "single-node"
    assert environment["xpack.security.enabled"] == "true"
    assert environment["ELASTIC_PASSWORD"].startswith("${ELASTIC_PASSWORD")
    heap = re.search(r"-Xmx(\d+)g", environment["ES_JAVA_OPTS"])
    limit = re.fullmatch(r"(\d+)g", elasticsearch["deploy"]["resources"]["limits"]["memory"])
    assert heap and limit and int(heap[1]) * 2 <= int(limit[1])
    assert elasticsearch["ulimits"]["memlock"] == {"soft": -1, "hard": -1}
    assert elasticsearch["ulimits"]["nofile"]["soft"] >= 65535
    assert "ports" not in elasticsearch
    for name, service in services.items():
        assert "elasticsearch" not in service.get("depends_on", {}), name


def test_nginx_mounts_the_site_configuration(compose):
    """nginx's one server configuration is deploy/nginx/microblog.conf; when it exists, it
    proxies to the socket and serves the static and media paths the volumes provide."""
    nginx = compose["services"]["nginx"]
    assert volume_targets(nginx)["/etc/nginx/conf.d/default.conf"] == f"{NGINX_CONF}:ro"
    assert "80:80" in nginx["ports"]
    conf = DEPLOY / NGINX_CONF
    if conf.exists():
        text = conf.read_text()
        assert f"unix:{SOCKET}" in text
        assert STATIC in text
        assert MEDIA in text


def test_secrets_come_from_env_never_from_the_file(compose):
    """The site reads deploy/.env; passwords in compose.yaml are ${...} references."""
    for name in ("migrate", "web", "worker"):
        assert compose["services"][name]["env_file"] == ".env"
    text = (DEPLOY / "compose.yaml").read_text()
    secrets = re.findall(r"^\s*(\w*(?:PASSWORD|SECRET_KEY)): *(.*)$", text, flags=re.MULTILINE)
    assert {name for name, _value in secrets} == {
        "SECRET_KEY",
        "POSTGRES_PASSWORD",
        "ELASTIC_PASSWORD",
    }
    for name, value in secrets:
        assert value.startswith("${" + name), name
    assert "${POSTGRES_PASSWORD:?" in compose["services"]["web"]["environment"]["DATABASE_URL"]


# --- .env.example -------------------------------------------------------------------------


def test_env_example_lists_every_variable_the_site_reads():
    """A variable settings.py or a production script reads is in deploy/.env.example."""
    assert (settings_variables() | script_variables()) - env_example() == set()


def test_env_example_lists_only_variables_someone_reads():
    """Every variable in .env.example is read by the site, interpolated by compose.yaml, or
    read by Docker Compose itself."""
    read = (
        settings_variables()
        | script_variables()
        | interpolated((DEPLOY / "compose.yaml").read_text())
        | COMPOSE_VARIABLES
    )
    assert env_example() - read == set()


def test_env_example_reads_the_same_in_a_shell_once_its_placeholders_are_set(tmp_path):
    """The README's `mb` function reads the settings file with sh (`set -a; . env`): every
    value must come out as the site reads it (quotes dropped), not as a syntax error."""
    values = {name: placeholders_set(value) for name, value in env_example_values().items()}
    settings_file = tmp_path / "env"
    settings_file.write_text("".join(f"{name}={value}\n" for name, value in values.items()))
    shell = subprocess.run(
        ["sh", "-c", 'set -a && . "$1" && set +a && env -0', "sh", str(settings_file)],
        env={"PATH": os.environ["PATH"]}, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert shell.returncode == 0, shell.stderr
    read = dict(entry.split("=", 1) for entry in shell.stdout.split("\0") if entry)
    assert {name: read[name] for name in values} == {
        name: value.strip('"') for name, value in values.items()
    }
    assert read["DEFAULT_FROM_EMAIL"] == "Microblog <noreply@microblog.example.com>"


def test_compose_interpolates_only_variables_env_example_lists():
    """Every ${VAR} of compose.yaml has its line in .env.example."""
    assert interpolated((DEPLOY / "compose.yaml").read_text()) - env_example() == set()


def test_env_example_values_start_the_site(tmp_path):
    """The values in .env.example (placeholders filled in) are ones settings.py accepts:
    behind HTTPS, trusting one proxy."""
    environment = {
        name: value for name, value in env_example_values().items() if "<" not in value
    } | {
        "SECRET_KEY": "x" * 50,
        "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
        "ADMINS": "ops@example.com",
        "MAILER_URL": "smtp+tls://user:password@smtp.example.com:587",
        "PATH": "/usr/bin:/bin",
    }
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_PROXY_SSL_HEADER, s.TRUSTED_PROXY_COUNT, s.ALLOWED_HOSTS, s.DEBUG)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=environment | {"DJANGO_SETTINGS_MODULE": "microblog.settings"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "('HTTP_X_FORWARDED_PROTO',", "'https')", "1", "['microblog.example.com']", "False"
    ]  # fmt: skip


# --- Heroku -------------------------------------------------------------------------------


def procfile() -> dict[str, str]:
    """The root Procfile (Heroku's): process type -> command."""
    lines = (ROOT / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line and not line.startswith("#"))


def test_procfile_runs_the_site_the_workers_and_migrations_on_release():
    """web serves on Heroku's $PORT on every interface, worker works every queue, release
    migrates before each release; the scripts and commands they name exist."""
    processes = procfile()
    assert set(processes) == {"web", "worker", "release"}
    web = processes["web"].split()
    assert web == ["HOST=0.0.0.0", "scripts/serve"]  # PORT is Heroku's: scripts/serve reads it
    assert (ROOT / web[-1]).stat().st_mode & 0o111
    commands = get_commands()
    for name, expected in (("worker", "db_worker"), ("release", "migrate")):
        words = processes[name].split()
        assert words[:2] == ["python", "manage.py"], name
        assert words[2] == expected and expected in commands, name
    assert "--no-reload" in processes["worker"]
    assert "--no-input" in processes["release"]


def test_heroku_build_hook_compiles_translations_and_finds_the_packages():
    """bin/post_compile is executable, builds the .mo files and gives scripts/serve its
    .venv (Heroku installs the packages into .heroku/python)."""
    hook = ROOT / "bin" / "post_compile"
    assert hook.stat().st_mode & 0o111
    text = hook.read_text()
    assert "manage.py translate --verbosity 0 compile" in text
    assert "ln -sfn .heroku/python .venv" in text
    assert ".venv/bin/uvicorn" in (ROOT / "scripts" / "serve").read_text()


def test_python_version_agrees_with_the_dockerfile_and_pyproject():
    """.python-version (Heroku's buildpack and uv read it) names the Dockerfile's Python,
    which pyproject's requires-python allows."""
    version = (ROOT / ".python-version").read_text().strip()
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:(\d+\.\d+)", dockerfile, flags=re.MULTILINE)[1] == version
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    minimum = tuple(int(part) for part in re.fullmatch(r">=(\d+)\.(\d+)", requires).groups())
    assert tuple(int(part) for part in version.split(".")) >= minimum


def test_the_readmes_media_backup_names_the_volume_compose_makes(compose):
    """Compose names a volume <project>_<volume>: a wrong name would back up a new, empty
    volume without a word."""
    readme = " ".join((ROOT / "README.md").read_text().split())
    assert f"-v {compose['name']}_media:/media " in readme
    assert "media" in compose["volumes"]
