"""The scheduler: which task a fetch worker gets next.

Articles go first once a few are waiting, so pages listed are fetched
before more listing pages are read (memory stays flat however large the
site); listing pages go first while few articles wait, so the workers never
starve. A task that failed after its retries waits for the end of the run
and is tried once more, patiently, before it counts as failed.

Only a bounded number of article tasks wait in memory; the rest wait on
disk in order (:class:`.spill.TaskSpill`), so a sitemap of 50,000 articles
costs no more memory than one of 500.
"""

from __future__ import annotations

from collections import deque

from .messages import Task
from .spill import TaskSpill

__all__ = ["Scheduler"]

IN_MEMORY_ARTICLES = 1024  # article tasks kept as objects; the rest wait on disk


class Scheduler:
    def __init__(self, low_water: int, in_memory: int | None = None) -> None:
        self._low_water = max(1, low_water)
        self._in_memory = max(2, in_memory or IN_MEMORY_ARTICLES, 2 * self._low_water)
        self._pages: deque[Task] = deque()
        self._articles: deque[Task] = deque()
        self._spill = TaskSpill()
        self._assets: deque[Task] = deque()
        self._deferred: list[Task] = []
        self.spill_lost = 0  # tasks the disk did not give back (this run; the frontier keeps them)

    def add(self, task: Task) -> None:
        if task.kind in ("article", "capture"):
            if self._spill or len(self._articles) >= self._in_memory:
                try:
                    self._spill.push(task)
                    return
                except OSError:
                    pass  # a full disk: this one waits in memory
            self._articles.append(task)
        elif task.kind == "asset":
            self._assets.append(task)
        else:
            self._pages.append(task)

    def extend(self, tasks: list[Task]) -> None:
        for task in tasks:
            self.add(task)

    def next(self) -> Task | None:
        if not self._articles and self._spill:
            self._refill()
        if self._articles and (len(self._articles) >= self._low_water or not self._pages):
            task = self._articles.popleft()
            if self._spill and len(self._articles) < self._in_memory // 2:
                self._refill()
            return task
        if self._pages:
            return self._pages.popleft()
        if self._assets:
            return self._assets.popleft()
        return None

    def _refill(self) -> None:
        try:
            while self._spill and len(self._articles) < self._in_memory:
                self._articles.append(self._spill.pop())
        except Exception:  # noqa: BLE001 - a read error, or a damaged file: whatever it raises
            # The temporary file failed us: those articles stay in the archive's
            # frontier and are fetched by the next run.
            self.spill_lost += len(self._spill)
            self._spill.close()

    def empty(self) -> bool:
        return not (self._pages or self._articles or self._spill or self._assets)

    @property
    def in_memory(self) -> int:
        """How many article tasks wait in memory before the rest go to disk."""
        return self._in_memory

    @property
    def waiting_articles(self) -> int:
        return len(self._articles) + len(self._spill)

    def close(self) -> None:
        self._spill.close()

    def defer(self, task: Task) -> None:
        """``task`` failed after its retries: try it again when everything else is done."""
        self._deferred.append(task)

    def start_final_round(self) -> int:
        """Queue the deferred tasks for their last try; how many there were."""
        tasks, self._deferred = self._deferred, []
        for task in tasks:
            task.round = 1
            self.add(task)
        return len(tasks)
