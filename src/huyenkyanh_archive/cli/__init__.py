"""The ``kyanh-archive`` command: a thin typer layer over the library.

Each command module registers its commands on :data:`app`; every command
parses options, calls library functions, renders the result (rich, or JSON
with ``--json``) and maps :class:`~huyenkyanh_archive.errors.ArchiveError`
to one line on stderr and an exit code (see README "Exit codes").
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import NoReturn, TypeVar

import typer
from rich.console import Console

from ..errors import ArchiveError

app = typer.Typer(
    name="kyanh-archive",
    help="Archive the Kỳ Anh district portal (and its sister portals) into one SQLite file, and query it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

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


# Imported last, for their side effect: each module adds its commands to ``app``.
from . import crawl, extract, offices, query  # noqa: E402, F401

__all__ = ["app", "fail", "errors_as_exit", "stdout", "stderr"]
