"""One crawl per database: a lock file next to it (``<db>.lock``).

The lock is an OS file lock (``flock``) on that file, which the kernel drops
when its process dies, however it dies: a lock left by a killed crawl is
stale by construction and the next crawl takes it over. The file holds the
holder's pid, host and start time, so a refused crawl can name it. Where
``fcntl`` is missing, the file's own existence is the lock and a holder whose
pid is gone (same host) is taken over.
"""

from __future__ import annotations

import json
import os
import socket
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..errors import LockedError, StoreError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


def lock_path(db_path: str | Path) -> Path:
    return Path(f"{db_path}.lock")


@dataclass(slots=True)
class Holder:
    pid: int
    host: str
    started: str

    def describe(self) -> str:
        return f"pid {self.pid} on {self.host}, started {self.started}"


def read_holder(path: Path) -> Holder | None:
    try:
        data = json.loads(path.read_text("utf-8") or "{}")
        return Holder(int(data["pid"]), str(data["host"]), str(data["started"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class CrawlLock:
    """``with CrawlLock(db):`` holds the database for one crawl, or raises :class:`LockedError`."""

    def __init__(self, db_path: str | Path) -> None:
        self.db_path = str(db_path)
        self.path = lock_path(db_path)
        self._fd: int | None = None
        self.took_over: Holder | None = None  # a stale holder found in the file

    def acquire(self) -> CrawlLock:
        me = Holder(os.getpid(), socket.gethostname(), datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
        parent = self.path.parent
        if not parent.is_dir():
            raise StoreError(f"{self.db_path}: directory {parent} does not exist; create it or choose another --db")
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot create the lock file ({exc.strerror}); choose a writable --db") from None
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                holder = read_holder(self.path)
                # The holder writes its name just after taking the lock: give it a moment.
                for _ in range(50):
                    if holder is not None:
                        break
                    time.sleep(0.01)
                    holder = read_holder(self.path)
                os.close(fd)
                who = holder.describe() if holder else "another process"
                raise LockedError(f"{self.db_path}: another crawl holds this database ({who})") from None
            self.took_over = read_holder(self.path)
        else:  # pragma: no cover - no flock: existence + pid check
            holder = read_holder(self.path)
            if holder and holder.pid != me.pid and (holder.host != me.host or _pid_alive(holder.pid)):
                os.close(fd)
                raise LockedError(f"{self.db_path}: another crawl holds this database ({holder.describe()})")
            self.took_over = holder
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps({"pid": me.pid, "host": me.host, "started": me.started}).encode(), 0)
        self._fd = fd
        return self

    @property
    def fileno(self) -> int | None:
        return self._fd

    def release(self) -> None:
        if self._fd is None:
            return
        try:
            os.ftruncate(self._fd, 0)
        except OSError:
            pass
        # The file stays: unlinking a flock'ed file races with a crawl opening it.
        os.close(self._fd)
        self._fd = None

    def __enter__(self) -> CrawlLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()
