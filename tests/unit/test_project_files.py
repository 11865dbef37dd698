"""The files around the code keep their promises: .env.example lists every setting, the README
starts with the two commands, the Makefile has the README's targets, and .ci/run runs
`make test` with CI set. docker-compose.yml and deploy/ have their own tests:
test_deploy_files.py; docs/ and the settings and commands it documents: test_docs.py."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from core.config import FILE_SETTINGS, Settings

REPO = Path(__file__).resolve().parents[2]
SETTINGS = {f"ARBOX_{name.upper()}" for name in Settings.model_fields}
# ARBOX_IMAP_PASSWORD_FILE and the like: no settings of their own, documented all the same
SETTINGS |= {f"ARBOX_{name.upper()}_FILE" for name in FILE_SETTINGS}
ARBOX_VAR = re.compile(r"\bARBOX_[A-Z_]*[A-Z]\b")


def test_env_example_lists_every_setting_and_nothing_else() -> None:
    text = (REPO / ".env.example").read_text()
    listed = set(ARBOX_VAR.findall(text))
    assert listed == SETTINGS, (SETTINGS - listed, listed - SETTINGS)
    values = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key] = value
    Settings.from_env(values)  # every example value is valid


def test_readme_starts_with_the_two_commands_and_sends_settings_to_docs() -> None:
    readme = (REPO / "README.md").read_text()
    assert "make demo" in readme and "make test" in readme
    # A newcomer meets the two commands, then how a mail flows, before any reference material.
    assert (
        readme.index("make demo") < readme.index("## How a mail flows") < readme.index("## Layout")
    )
    assert "(docs/configuration.md)" in readme and "(docs/commands.md)" in readme
    # The settings are documented in docs/configuration.md (test_docs.py), not in the README.
    assert set(ARBOX_VAR.findall(readme)) <= SETTINGS


def test_makefile_has_the_readme_targets() -> None:
    out = subprocess.run(
        ["make", "-n", "-p", "-f", "Makefile"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    for target in ("demo", "test", "lint", "fixtures", "bench", "clean"):
        assert re.search(rf"^{target}:", out, re.M), target


def test_ci_runs_make_test_with_ci_set() -> None:
    script = REPO / ".ci" / "run"
    assert script.stat().st_mode & 0o111, ".ci/run must be executable"
    text = script.read_text()
    assert "CI=true" in text and "make test" in text
    assert subprocess.run(["bash", "-n", str(script)], check=False).returncode == 0


def test_pyproject_installs_every_package_of_the_code() -> None:
    # A package setuptools does not find works in the editable checkout and is absent from a
    # real install (the Docker image): every folder with an __init__.py under the top packages
    # must be one [tool.setuptools.packages.find] includes.
    import tomllib

    from setuptools import find_packages

    found_by = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(find_packages(str(REPO), include=found_by["packages"]["find"]["include"]))
    top = ("core", "parsers", "matching", "ledger", "outbound", "worker", "review")
    found = {
        ".".join(init.parent.relative_to(REPO).parts)
        for name in top
        for init in (REPO / name).rglob("__init__.py")
    }
    assert found == listed, (found - listed, listed - found)
