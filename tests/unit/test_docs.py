"""The documentation says what the code does: every setting is in docs/configuration.md and
every command (with its options) in docs/commands.md, and nothing else is; the README stays
short; no file names a document the repository does not have; every link and every file path
the docs name leads somewhere."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.main

from core.config import FILE_SETTINGS, Settings
from worker.cli import app

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs"
PAGES = [REPO / "README.md", *sorted(DOCS.glob("*.md"))]
ARBOX_VAR = re.compile(r"\bARBOX_[A-Z0-9_]*[A-Z0-9]\b")
#: A variable the code reads itself, outside Settings (the test suite's, for one).
ENV_READ = re.compile(r"""(?:environ\.get|getenv)\(\s*["'](ARBOX_[A-Z0-9_]+)["']""")
#: Documents that were never part of the repository; nothing may send a reader to them.
MISSING_DOCS = re.compile(r"\b(?:DESIGN|CONTRACT)\.md\b")
FENCE = re.compile(r"^(```|~~~)")
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
CODE_SPAN = re.compile(r"`([^`\n]+)`")
#: A file of the repository named in the docs: `worker/poller.py`, `deploy/compose.yaml`.
REPO_PATH = re.compile(
    r"(?:core|parsers|matching|ledger|outbound|worker|review|tests|fixtures|bench|deploy|docs)"
    r"/[\w./-]*\.[A-Za-z0-9]+"
)


def tracked_files() -> list[Path]:
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("not a git checkout")
    out = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True
    ).stdout
    return [REPO / name for name in out.decode().split("\0") if name]


def settings_in_code() -> set[str]:
    names = {f"ARBOX_{name.upper()}" for name in Settings.model_fields}
    names |= {f"ARBOX_{name.upper()}_FILE" for name in FILE_SETTINGS}
    for path in tracked_files():
        if path.suffix == ".py" and path.exists():
            names |= set(ENV_READ.findall(path.read_text(encoding="utf-8")))
    return names


def prose_lines(text: str) -> Iterator[str]:
    """The lines of a Markdown page outside fenced code blocks."""
    fenced = False
    for line in text.splitlines():
        if FENCE.match(line):
            fenced = not fenced
        elif not fenced:
            yield line


def code_lines(text: str) -> Iterator[str]:
    """The lines inside fenced code blocks."""
    fenced = False
    for line in text.splitlines():
        if FENCE.match(line):
            fenced = not fenced
        elif fenced:
            yield line


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as ``-``."""
    text = heading.strip().lower().replace("`", "")
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    return {
        slug(line.lstrip("#"))
        for line in prose_lines(page.read_text(encoding="utf-8"))
        if line.startswith("#")
    }


def cli_commands() -> dict[str, Any]:
    """Every leaf command of ``arbox`` by its path (``arbox review confirm``)."""
    found: dict[str, Any] = {}

    def walk(command: Any, path: list[str]) -> None:
        subcommands = getattr(command, "commands", None)
        if subcommands is None:
            found[" ".join(path)] = command
            return
        for name, sub in subcommands.items():
            walk(sub, [*path, name])

    walk(typer.main.get_command(app), ["arbox"])
    return found


def command_sections() -> dict[str, str]:
    """docs/commands.md's ``### `arbox ...` `` sections: heading's command -> section text."""
    text = (DOCS / "commands.md").read_text(encoding="utf-8")
    sections: dict[str, str] = {}
    for part in re.split(r"^(?=#{1,3} )", text, flags=re.M):
        heading = re.match(r"### `(arbox[^`]*)`\n", part)
        if heading:
            sections[heading[1].strip()] = part
    return sections


def arbox_mentions(page: Path) -> Iterator[list[str]]:
    """The words after ``arbox`` in each code span and each command line of a code block."""
    text = page.read_text(encoding="utf-8")
    for line in prose_lines(text):
        for span in CODE_SPAN.findall(line):
            for match in re.finditer(r"(?<![\w/@.:,-])arbox((?: +[^\s`]+)+)", span):
                yield match[1].split()
    for line in code_lines(text):  # a command line: `arbox ...` or `$ arbox ...`
        command = line.strip().removeprefix("$ ").split(" #")[0]
        if command.startswith("arbox "):
            yield command.split()[1:]


# (a) settings


def test_configuration_page_lists_every_setting_and_nothing_else() -> None:
    in_code = settings_in_code()
    documented = set(ARBOX_VAR.findall((DOCS / "configuration.md").read_text(encoding="utf-8")))
    assert in_code - documented == set(), "settings missing from docs/configuration.md"
    assert documented - in_code == set(), "docs/configuration.md names no such setting"


def test_every_setting_has_a_row_of_its_own() -> None:
    text = (DOCS / "configuration.md").read_text(encoding="utf-8")
    rows = {m[1] for m in re.finditer(r"^\| `(ARBOX_[A-Z0-9_]+)`", text, re.M)}
    # The four *_FILE variables share one row; every other setting has its own.
    assert settings_in_code() - {f"ARBOX_{n.upper()}_FILE" for n in FILE_SETTINGS} <= rows


# (b) commands


def test_commands_page_has_a_section_for_every_command_and_nothing_else() -> None:
    commands = set(cli_commands())
    documented = set(command_sections())
    assert commands - documented == set(), "commands missing from docs/commands.md"
    assert documented - commands == set(), "docs/commands.md documents no such command"


def test_commands_page_names_every_option_of_each_command() -> None:
    sections = command_sections()
    missing = []
    for path, command in cli_commands().items():
        for param in command.params:
            names = [*getattr(param, "opts", []), *getattr(param, "secondary_opts", [])]
            if param.param_type_name != "option" or "--help" in names:
                continue
            for name in (n for n in names if n.startswith("--")):
                if not re.search(rf"`{re.escape(name)}[ `\\]", sections.get(path, "")):
                    missing.append(f"{path} {name}")
    assert missing == []


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_arbox_command_the_docs_name_exists(page: Path) -> None:
    root = typer.main.get_command(app)
    wrong = []
    for words in arbox_mentions(page):
        command: Any = root
        for word in words:
            subcommands = getattr(command, "commands", None)
            if subcommands is None or word.startswith("-") or word.isupper():
                break  # a leaf's arguments, or a placeholder such as COMMAND
            if not all(alt in subcommands for alt in word.split("|")):
                wrong.append(" ".join(["arbox", *words]))
                break
            command = subcommands[word.split("|")[0]]
    assert wrong == []


# (c) the README


def test_readme_is_short() -> None:
    lines = (REPO / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 250, "README.md: move reference material to docs/"


# (d) no document that is not there


def test_no_tracked_file_names_a_document_the_repository_lacks() -> None:
    named = []
    for path in tracked_files():
        if not path.is_file():
            continue
        data = path.read_bytes()
        if b"\0" in data:
            continue  # binary
        text = data.decode("utf-8", errors="replace")
        named += [f"{path.relative_to(REPO)}:{m[0]}" for m in MISSING_DOCS.finditer(text)]
    assert named == []


# (e) links and paths


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_relative_link_leads_to_a_file_and_heading_that_exist(page: Path) -> None:
    broken = []
    for line in prose_lines(page.read_text(encoding="utf-8")):
        for target in LINK.findall(line):
            if re.match(r"[a-z]+:", target):
                continue  # http:, https:, mailto:
            path, _, anchor = target.partition("#")
            file = (page.parent / path).resolve() if path else page
            if not file.exists() or (
                file.suffix == ".md" and anchor and anchor not in anchors(file)
            ):
                broken.append(target)
    assert broken == []


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_file_the_docs_name_exists(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    named = {
        span
        for line in prose_lines(text)
        for span in CODE_SPAN.findall(line)
        if REPO_PATH.fullmatch(span)
    }
    missing = {name for name in named if not (REPO / name).exists()}
    # A file the reader makes (deploy/arbox.env) is one the repository ignores.
    assert {name for name in missing if not is_ignored(name)} == set()


def is_ignored(name: str) -> bool:
    if shutil.which("git") is None:
        return False
    done = subprocess.run(["git", "check-ignore", "-q", name], cwd=REPO, check=False)
    return done.returncode == 0
