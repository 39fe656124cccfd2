"""Every command and every option of the CLI is documented in README.md (as sqlite-utils does).

The commands are read from the click objects behind the typer app (the lazy
command group loads every command module when asked for the list), so a new
command or option fails here until the README documents it.

The section for a command is the README heading whose text holds a code span
naming it (`` `search` ``, `` `kyanh-archive crawl` ``; one heading may name
several, as "`people` and `person`"), down to the next heading of the same or
a higher level. Each of the command's option strings (``--json``, ``-q``) must
appear there, and each argument's metavar (``QUERY``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import typer.main

from huyenkyanh_archive.cli import app

README = Path(__file__).resolve().parents[1] / "README.md"
_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")


def _commands() -> dict[str, Any]:
    group: Any = typer.main.get_command(app)
    ctx = group.make_context("kyanh-archive", ["--help"], resilient_parsing=True)
    return {name: group.get_command(ctx, name) for name in group.list_commands(ctx)}


COMMANDS = _commands()


def _sections(text: str) -> dict[str, list[str]]:
    """Command name -> the text of each README section whose heading names it."""
    lines = text.splitlines()
    headings = []
    fence = False
    for i, line in enumerate(lines):
        if line.startswith("```"):
            fence = not fence
        m = None if fence else _HEADING.match(line)
        if m:
            headings.append((i, len(m.group(1)), m.group(2)))
    out: dict[str, list[str]] = {}
    for n, (start, level, title) in enumerate(headings):
        end = next((i for i, lv, _ in headings[n + 1:] if lv <= level), len(lines))
        body = "\n".join(lines[start:end])
        for span in re.findall(r"`([^`]+)`", title):
            words = span.split()
            if words and words[0] == "kyanh-archive":
                words = words[1:]
            if len(words) == 1:
                out.setdefault(words[0], []).append(body)
    return out


SECTIONS = _sections(README.read_text(encoding="utf-8"))


def _mentions(text: str, token: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(token)}(?![\w-])", text) is not None


def test_the_commands_are_found() -> None:
    assert {"crawl", "extract", "search", "person", "export", "office"} <= set(COMMANDS)
    assert all(COMMANDS.values())


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_command_has_one_readme_section(name: str) -> None:
    found = SECTIONS.get(name, [])
    assert len(found) == 1, (
        f"README.md needs one heading naming `{name}` (or `kyanh-archive {name}`), found {len(found)}"
    )


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_option_and_argument_is_documented_in_its_section(name: str) -> None:
    section = "\n".join(SECTIONS.get(name, []))
    missing = []
    for param in COMMANDS[name].params:
        if getattr(param, "hidden", False):
            continue
        if param.param_type_name == "argument":
            metavar = param.metavar or (param.name or "").upper()
            if not _mentions(section, metavar):
                missing.append(metavar)
        else:
            missing += [opt for opt in (*param.opts, *param.secondary_opts) if not _mentions(section, opt)]
    assert not missing, f"README.md, section for `{name}`: document {missing}"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_command_and_option_has_help(name: str) -> None:
    command = COMMANDS[name]
    assert (command.help or "").strip(), f"{name}: no help text (the docstring)"
    bare = [param.name for param in command.params if not (getattr(param, "help", None) or "").strip()]
    assert not bare, f"{name}: parameters without help: {bare}"
