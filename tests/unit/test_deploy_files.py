"""deploy/ keeps its promises without Docker or systemd running: every arbox command it starts
is a real one (options too), every secret, volume and ARBOX_* variable it names exists, Compose
substitutes nothing in it, every service has a health check, the worker gets the time to drain,
and the image's last stage has no compiler (issue 20)."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from core.config import FILE_SETTINGS, Settings

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
SYSTEMD = DEPLOY / "systemd"
SETTINGS = {f"ARBOX_{name.upper()}" for name in Settings.model_fields}
FILE_VARIABLES = {f"ARBOX_{name.upper()}_FILE" for name in FILE_SETTINGS}
ARBOX_VAR = re.compile(r"\bARBOX_[A-Z0-9_]*[A-Z0-9]\b")
#: `arbox worker` waits this long for the messages in hand on SIGTERM (worker/cli/processes.py, stop()).
WORKER_DRAIN_SECONDS = 30
#: What Compose substitutes: `$NAME` or `${...}`, once `$$` (a literal `$`) is taken out.
COMPOSE_SUBSTITUTION = re.compile(r"\$(?:\{|[_A-Za-z])")
LONG_RUNNING = ("worker", "poller", "scheduler", "web")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


@pytest.fixture(scope="module")
def cli() -> Any:
    """The click command behind ``arbox`` (typer vendors its own click: duck-typed here)."""
    from typer.main import get_command

    from worker.cli import app

    return get_command(app)


def assert_real_arbox_command(cli: Any, args: list[str], where: str) -> None:
    """``arbox ARGS`` names a command (not a group) and its arguments and options parse."""
    command, rest = cli, list(args)
    while hasattr(command, "commands"):  # a group
        assert rest, f"{where}: `arbox {' '.join(args)}` names a group, not a command"
        sub = command.commands.get(rest[0])
        assert sub is not None, f"{where}: `arbox {' '.join(args)}`: no command {rest[0]!r}"
        command, rest = sub, rest[1:]
    try:
        command.make_context("arbox", rest)
    except Exception as e:  # click's UsageError, from typer's vendored copy
        message = e.format_message() if hasattr(e, "format_message") else str(e)
        pytest.fail(f"{where}: `arbox {' '.join(args)}`: {message}")


def arbox_services(compose: dict) -> dict[str, dict]:
    return {
        name: service
        for name, service in compose["services"].items()
        if service.get("image") == "arbox:latest"
    }


def strings(value: object) -> Iterator[str]:
    """Every string of a parsed YAML document, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings(key)
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def seconds(duration: str) -> float:
    """A Compose duration (``45s``, ``1m30s``) in seconds."""
    parts = re.findall(r"(\d+(?:\.\d+)?)(h|ms|m|s|us)", duration)
    assert "".join(n + u for n, u in parts) == duration, f"not a duration: {duration!r}"
    scale = {"h": 3600, "m": 60, "s": 1, "ms": 0.001, "us": 0.000001}
    return sum(float(n) * scale[u] for n, u in parts)


def env_file_values(path: Path) -> dict[str, str]:
    """KEY=VALUE lines of an env file (Compose, systemd), quotes taken off."""
    values = {}
    for line in path.read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, sep, value = line.partition("=")
        assert sep, f"{path.name}: not KEY=VALUE: {line!r}"
        if "$" in value:
            # Compose substitutes in unquoted and double-quoted values; single quotes are
            # literal for Compose, systemd and python-dotenv alike.
            assert value.startswith("'") and value.endswith("'"), f"{path.name}: quote {line!r}"
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key.strip()] = value
    return values


# --- Compose -------------------------------------------------------------------------------


def test_top_level_compose_file_includes_the_deploy_one() -> None:
    top = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    assert top["include"] == ["deploy/compose.yaml"]
    assert set(top) <= {"name", "include"}, "the top-level file only points at deploy/"


def test_compose_runs_the_production_services(compose: dict) -> None:
    services = compose["services"]
    assert {"redis", "postgres", "imap", "smtp", "migrate", *LONG_RUNNING} <= set(services)
    for name, service in services.items():
        assert "image" in service or "build" in service, name
        for dep in service.get("depends_on", {}):
            assert dep in services, f"{name} depends on unknown service {dep}"


def test_compose_arbox_services_run_real_commands(compose: dict, cli: Any) -> None:
    services = arbox_services(compose)
    assert set(services) == {"migrate", *LONG_RUNNING}
    for name, service in services.items():
        assert_real_arbox_command(cli, service["command"], f"service {name}")
        test = service["healthcheck"]["test"]
        if test[:2] == ["CMD", "arbox"]:
            assert_real_arbox_command(cli, test[2:], f"service {name} healthcheck")


def test_compose_substitutes_nothing(compose: dict) -> None:
    # A `.env` beside the compose file (or `cp .env.example .env`) once rewired the bundled
    # Dovecot and Mailpit ports through ${ARBOX_IMAP_PORT:-...}; a literal $ is written $$.
    for text in strings(compose):
        assert not COMPOSE_SUBSTITUTION.search(text.replace("$$", "")), text
    top = (REPO / "docker-compose.yml").read_text()
    assert not COMPOSE_SUBSTITUTION.search(top.replace("$$", ""))


def test_compose_names_only_real_settings(compose: dict) -> None:
    named = {v for text in strings(compose) for v in ARBOX_VAR.findall(text)}
    named |= set(env_file_values(DEPLOY / "arbox.env.example"))
    assert named, "compose configures arbox through ARBOX_* variables"
    unknown = named - SETTINGS - FILE_VARIABLES
    assert not unknown, unknown


def test_compose_secrets_and_volumes_exist(compose: dict) -> None:
    secrets = set(compose["secrets"])
    volumes = set(compose["volumes"])
    for name, service in compose["services"].items():
        for secret in service.get("secrets", []):
            source = secret if isinstance(secret, str) else secret["source"]
            assert source in secrets, f"{name}: unknown secret {source}"
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0] if isinstance(volume, str) else volume["source"]
            if not source.startswith((".", "/")):
                assert source in volumes, f"{name}: unknown volume {source}"
        for key, value in service.get("environment", {}).items():
            if key.endswith("_FILE"):
                assert value.startswith("/run/secrets/"), (name, key)
                secret = value.removeprefix("/run/secrets/")
                assert secret in service.get("secrets", []), f"{name}: {key} needs {secret}"
    for secret in compose["secrets"].values():
        assert secret["file"].startswith("./secrets/"), "secrets live in deploy/secrets/"


def test_compose_keeps_secrets_and_state_out_of_the_file(compose: dict) -> None:
    for name, service in arbox_services(compose).items():
        env = service["environment"]
        for setting in FILE_SETTINGS:
            if setting == "redis_url":
                continue  # the bundled Redis has no password: its URL is no secret
            assert f"ARBOX_{setting.upper()}" not in env, (name, setting)
            assert f"ARBOX_{setting.upper()}_FILE" in env, (name, setting)
        data_dir = env["ARBOX_DATA_DIR"]
        assert any(v.split(":")[1] == data_dir for v in service["volumes"]), name
        assert [f["path"] for f in service["env_file"]] == ["arbox.env"], name
    postgres = compose["services"]["postgres"]["environment"]
    assert "POSTGRES_PASSWORD" not in postgres and "POSTGRES_PASSWORD_FILE" in postgres
    template = env_file_values(DEPLOY / "arbox.env.example")
    for variable in ("ARBOX_DATABASE_URL", "ARBOX_IMAP_PASSWORD", "ARBOX_SMTP_PASSWORD"):
        assert variable not in template, f"{variable} is a secret file, not a setting here"
    Settings.from_env(template)  # the template's values are valid


def test_compose_every_service_has_a_health_check(compose: dict) -> None:
    for name, service in compose["services"].items():
        check = service.get("healthcheck")
        assert check and check.get("test") and not check.get("disable"), name
    web = compose["services"]["web"]["healthcheck"]["test"]
    assert any("/healthz" in part for part in web), "the web service is checked by GET /healthz"


def test_compose_gives_arbox_services_time_to_drain(compose: dict) -> None:
    for name in LONG_RUNNING:
        grace = seconds(compose["services"][name]["stop_grace_period"])
        assert grace > WORKER_DRAIN_SECONDS, f"{name}: stop_grace_period {grace}s"


def test_image_final_stage_has_no_compiler() -> None:
    dockerfile = (REPO / "Dockerfile").read_text()
    stages = re.split(r"^FROM ", dockerfile, flags=re.M)[1:]
    assert len(stages) >= 2, "a multi-stage build"
    final = stages[-1]
    assert not re.search(r"\b(gcc|g\+\+|make|build-essential|libc6-dev)\b", final), final
    assert "COPY --from=" in final
    ignored = (REPO / ".dockerignore").read_text().split()
    assert "deploy/secrets" in ignored, "secrets never enter the build context"


# --- systemd ------------------------------------------------------------------------------


def unit_entries(path: Path) -> list[tuple[str, str, str]]:
    """(section, key, value) of a unit file, in order (keys repeat, so no dict)."""
    entries, section = [], ""
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        key, _, value = line.partition("=")
        entries.append((section, key.strip(), value.strip()))
    return entries


UNITS = ("arbox-worker@.service", "arbox-poller.service", "arbox-scheduler.service")
UNITS += ("arbox-web.service",)


@pytest.mark.parametrize("unit", UNITS)
def test_systemd_unit_runs_a_real_command_with_real_settings(unit: str, cli: Any) -> None:
    entries = unit_entries(SYSTEMD / unit)
    service = {key: value for section, key, value in entries if section == "Service"}
    exec_start = service["ExecStart"].split()
    assert exec_start[0].endswith("/arbox"), exec_start
    assert_real_arbox_command(cli, exec_start[1:], unit)

    env_file = service["EnvironmentFile"].lstrip("-")
    assert (SYSTEMD / Path(env_file).name).is_file(), f"{unit}: {env_file} not in deploy/"

    environment = [v for s, k, v in entries if s == "Service" and k == "Environment"]
    credentials = {
        v.split(":", 1)[0] for s, k, v in entries if s == "Service" and k == "LoadCredential"
    }
    for assignment in environment:
        name, _, value = assignment.partition("=")
        assert name in SETTINGS | FILE_VARIABLES, f"{unit}: {name} is no setting"
        if value.startswith("%d/"):
            assert value.removeprefix("%d/") in credentials, f"{unit}: {value} not loaded"
    assert "ARBOX_DATABASE_URL_FILE" in {a.partition("=")[0] for a in environment}
    assert int(service["TimeoutStopSec"]) >= WORKER_DRAIN_SECONDS, unit
    if unit.startswith("arbox-worker"):
        assert int(service["TimeoutStopSec"]) > WORKER_DRAIN_SECONDS


def test_systemd_env_file_names_only_real_settings_and_no_secret() -> None:
    values = env_file_values(SYSTEMD / "arbox.env")
    assert set(values) <= SETTINGS, set(values) - SETTINGS
    for variable in ("ARBOX_DATABASE_URL", "ARBOX_IMAP_PASSWORD", "ARBOX_SMTP_PASSWORD"):
        assert variable not in values, f"{variable} is a credential, not a setting here"
    Settings.from_env(values)


def test_systemd_units_verify(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    names = []
    for unit in UNITS:
        # verify wants an instance of a template and an executable ExecStart
        text = (SYSTEMD / unit).read_text().replace("/opt/arbox/bin/arbox", "/bin/true")
        name = unit.replace("@.", "@1.")
        (tmp_path / name).write_text(text)
        names.append(str(tmp_path / name))
    result = subprocess.run(
        [analyze, "verify", "--man=no", *names],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr
