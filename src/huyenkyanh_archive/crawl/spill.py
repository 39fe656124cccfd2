"""A first-in first-out queue of tasks on disk: the article backlog beyond what memory holds.

A sitemap or a resumed frontier can hand the scheduler tens of thousands of
articles at once; kept as objects they would make the crawl's memory grow
with the site. The scheduler keeps a few hundred in memory and writes the
rest here, in order, to read back as the workers need them. The file is an
anonymous temporary file: gone when the run ends, however it ends; the
archive's ``frontier`` table, not this file, is what a killed crawl resumes
from.
"""

from __future__ import annotations

import pickle
import struct
import tempfile
from typing import IO

from .messages import Task

__all__ = ["TaskSpill"]

_LENGTH = struct.Struct("<I")


class TaskSpill:
    """Tasks appended at the end, read from the front; reading and writing share one file."""

    def __init__(self) -> None:
        self._file: IO[bytes] | None = None
        self._write_at = 0
        self._read_at = 0
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def push(self, task: Task) -> None:
        """Append ``task``; OSError (a full disk) leaves the queue as it was."""
        if self._file is None:
            self._file = tempfile.TemporaryFile(prefix="kyanh-archive-tasks-")
        data = pickle.dumps(task, protocol=pickle.HIGHEST_PROTOCOL)
        self._file.seek(self._write_at)
        self._file.write(_LENGTH.pack(len(data)) + data)
        self._write_at += _LENGTH.size + len(data)
        self._count += 1

    def pop(self) -> Task:
        """The oldest task (IndexError when empty)."""
        if self._file is None or self._count == 0:
            raise IndexError("pop from an empty spill")
        self._file.seek(self._read_at)
        (size,) = _LENGTH.unpack(self._file.read(_LENGTH.size))
        task: Task = pickle.loads(self._file.read(size))
        self._read_at += _LENGTH.size + size
        self._count -= 1
        if self._count == 0:  # drained: start the file over rather than let it grow
            self._file.truncate(0)
            self._write_at = self._read_at = 0
        return task

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        self._count = 0
        self._write_at = self._read_at = 0
