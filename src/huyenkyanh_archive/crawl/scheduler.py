"""The scheduler: which task a fetch worker gets next.

Articles go first once a few are waiting, so pages listed are fetched
before more listing pages are read (memory stays flat however large the
site); listing pages go first while few articles wait, so the workers never
starve. A task that failed after its retries waits for the end of the run
and is tried once more, patiently, before it counts as failed.
"""

from __future__ import annotations

from collections import deque

from .messages import Task

__all__ = ["Scheduler"]


class Scheduler:
    def __init__(self, low_water: int) -> None:
        self._low_water = max(1, low_water)
        self._pages: deque[Task] = deque()
        self._articles: deque[Task] = deque()
        self._assets: deque[Task] = deque()
        self._deferred: list[Task] = []

    def add(self, task: Task) -> None:
        if task.kind in ("article", "capture"):
            self._articles.append(task)
        elif task.kind == "asset":
            self._assets.append(task)
        else:
            self._pages.append(task)

    def extend(self, tasks: list[Task]) -> None:
        for task in tasks:
            self.add(task)

    def next(self) -> Task | None:
        if self._articles and (len(self._articles) >= self._low_water or not self._pages):
            return self._articles.popleft()
        if self._pages:
            return self._pages.popleft()
        if self._assets:
            return self._assets.popleft()
        return None

    def empty(self) -> bool:
        return not (self._pages or self._articles or self._assets)

    @property
    def waiting_articles(self) -> int:
        return len(self._articles)

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
