"""The ``kyanh-archive`` command: a thin typer layer over the library.

Each command module registers its commands on :data:`app`; every command
parses options, calls library functions, renders the result (rich, or JSON
with ``--json``) and maps :class:`~huyenkyanh_archive.errors.ArchiveError`
to one line on stderr and an exit code (see README "Exit codes").
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, NoReturn, TypeVar

import typer
import typer.main
from rich.console import Console
from typer.core import TyperGroup

from ..errors import ArchiveError

# The command modules, in the order their commands are listed. ``extract`` is
# imported with this package; the others (the crawler, the archive, rich
# tables: most of the start-up time) only when one of their commands is run
# or the commands are listed, so `kyanh-archive extract` starts fast.
_COMMAND_MODULES = ("crawl", "extract", "query", "offices")
_EAGER_MODULES = ("extract",)


def _import_command_modules() -> None:
    for name in _COMMAND_MODULES:
        importlib.import_module(f"{__name__}.{name}")


class _LazyCommands(TyperGroup):
    """The command group: a command not registered yet is looked for in the modules not imported yet."""

    def _load_all(self) -> None:
        if len(self.commands) == len(app.registered_commands) and all(
            f"{__name__}.{m}" in sys.modules for m in _COMMAND_MODULES
        ):
            return
        _import_command_modules()
        fresh = typer.main.get_group(app)
        for name, command in fresh.commands.items():
            self.commands.setdefault(name, command)
        # Listed in module order, as when every module was imported up front.
        rank = {f"{__name__}.{m}": i for i, m in enumerate(_COMMAND_MODULES)}
        module_of = {
            info.name or info.callback.__name__.replace("_", "-"): info.callback.__module__
            for info in app.registered_commands
            if info.callback
        }
        order = sorted(self.commands, key=lambda n: rank.get(module_of.get(n, ""), len(rank)))
        self.commands = {n: self.commands[n] for n in order}

    # Context and Command are click's or typer's own copy of click, depending on
    # typer's version: the types are the parent's, whichever it is.
    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in self.commands:
            self._load_all()
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: Any) -> list[str]:
        self._load_all()
        return super().list_commands(ctx)


app = typer.Typer(
    name="kyanh-archive",
    help="Archive the Kỳ Anh district portal (and its sister portals) into one SQLite file, and query it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=_LazyCommands,
)


@app.callback()
def _group() -> None:
    # A callback keeps the app a command group while it has one command registered.
    pass

stdout = Console(soft_wrap=True)
stderr = Console(stderr=True, soft_wrap=True)

F = TypeVar("F", bound=Callable[..., object])


def fail(message: str, code: int = 1) -> NoReturn:
    """One line on stderr, then exit with ``code``."""
    print(f"kyanh-archive: {message}", file=sys.stderr)
    raise typer.Exit(code)


@contextmanager
def errors_as_exit() -> Iterator[None]:
    """Turn library errors into one line on stderr and the error's exit code."""
    try:
        yield
    except ArchiveError as exc:
        fail(str(exc), exc.exit_code)
    except KeyboardInterrupt:
        fail("interrupted; the archive is consistent, run again to continue", 130)
    except BrokenPipeError:
        raise typer.Exit(0) from None


# Imported last, for their side effect: each module adds its commands to ``app``
# (the others on first need, see _LazyCommands).
for _name in _EAGER_MODULES:
    importlib.import_module(f"{__name__}.{_name}")

__all__ = ["app", "fail", "errors_as_exit", "stdout", "stderr"]
