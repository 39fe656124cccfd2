"""The writer: each result and its plan into the archive, in one transaction.

The only part of the crawl that writes. One transaction per result: the
response (and the redirects on its way), what it is (a version of an
article, a listing page, a page gone), and the plan the planner made of it
(articles queued in the frontier, sections found, walked or gone), so a
crawl killed between two results leaves both whole or the second absent.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..archive import Archive, QueuedArticle
from ..clock import utc_now
from ..response import Response
from .events import CrawlSummary
from .messages import (
    ArticleFetched,
    AssetFetched,
    Failed,
    Gone,
    NotAnArticle,
    NotModified,
    PageFetched,
    Result,
    Task,
)
from .plan import Plan

__all__ = ["Writer"]

_MAX_ERRORS = 20


class Writer:
    def __init__(self, archive: Archive, summary: CrawlSummary, emit: Callable[..., None]) -> None:
        self.archive = archive
        self.summary = summary
        self.emit = emit

    def error(self, message: str) -> None:
        if len(self.summary.errors) < _MAX_ERRORS:
            self.summary.errors.append(message)

    # -- responses -------------------------------------------------------------
    def add_response(self, response: Response, kind: str, prepared: Any = None) -> int:
        for hop in response.redirects:
            self.add_response(hop, "redirect")
        return self.archive.bodies.add_response(response, kind, self.summary.run_id, prepared=prepared)

    def _apply(self, plan: Plan) -> None:
        when = utc_now()
        state, sections = self.archive.state, self.archive.sections
        if plan.frontier:
            state.add_frontier(plan.frontier, when)
        for f in plan.found:
            sections.found(f.url, f.name, f.kind, f.found_by, when)
        for w in plan.walked:
            sections.walked(w.url, kind=w.kind, pages=w.pages, complete=w.complete, when=when,
                            etag=w.etag, last_modified=w.last_modified)
        for g in plan.gone:
            sections.gone(g.url, g.reason, when)
        for article_key, url in plan.asset_links:
            state.link_asset(article_key, url)
        for key, value in plan.meta.items():
            state.set_meta(key, value)

    def apply(self, plan: Plan) -> None:
        """A plan with no result of its own (the first tasks, the end of the run)."""
        if plan.frontier or plan.found or plan.walked or plan.gone or plan.meta or plan.asset_links:
            with self.archive.transaction():
                self._apply(plan)
        self._emit(plan)

    def _emit(self, plan: Plan) -> None:
        for kind, data in plan.events:
            self.emit(kind, **data)

    # -- results ---------------------------------------------------------------
    def write(self, result: Result, plan: Plan) -> str:
        """Store ``result`` with ``plan``; returns what it was (an article's outcome, or the page's kind)."""
        if isinstance(result, ArticleFetched):
            outcome = self._article(result, plan)
        elif isinstance(result, PageFetched):
            with self.archive.transaction():
                self.add_response(result.response, "listing", result.body)
                self._apply(plan)
            self.summary.listing_pages += 1
            outcome = result.kind
        elif isinstance(result, NotModified):
            outcome = self._not_modified(result, plan)
        elif isinstance(result, Gone):
            outcome = self._gone(result, plan)
        elif isinstance(result, NotAnArticle):
            with self.archive.transaction():
                self.add_response(result.response, "page")
                if result.task.ref is not None:
                    self.archive.state.frontier_drop(result.task.ref.key)
                self._apply(plan)
            self.summary.not_articles += 1
            outcome = "not-article"
        elif isinstance(result, AssetFetched):
            outcome = self._asset(result, plan)
        elif isinstance(result, Failed):
            outcome = self._failed(result, plan)
        else:  # pragma: no cover - WorkerCrashed never reaches the writer
            raise TypeError(f"not a result: {result!r}")
        self._emit(plan)
        return outcome

    def _article(self, done: ArticleFetched, plan: Plan) -> str:
        task, res, a = done.task, done.response, self.archive
        a.stage("fetched")
        with a.transaction():
            rid = self.add_response(res, "article", done.body)
            a.stage("response")
            outcome = a.articles.save(
                done.record, keys=done.keys, response_id=rid, fetched_at=res.fetched_at,
                folder=task.ref.folder if task.ref else None, etag=res.header("etag"),
                last_modified=res.header("last-modified"), prepared=done.prepared,
            )
            a.stage("saved")
            self._apply(plan)
        a.stage("committed")
        setattr(self.summary, outcome, getattr(self.summary, outcome) + 1)
        self._article_event(task, outcome, res.status)
        return outcome

    def _not_modified(self, result: NotModified, plan: Plan) -> str:
        task, res = result.task, result.response
        with self.archive.transaction():
            self.add_response(res, "article" if task.kind == "article" else "listing")
            if task.kind == "article" and task.ref is not None:
                self.archive.articles.mark_checked(
                    task.revisit.article_id if task.revisit else task.ref.key,
                    res.fetched_at, res.header("etag"), res.header("last-modified"))
            self._apply(plan)
        if task.kind == "article":
            self.summary.unchanged += 1
            self._article_event(task, "unchanged", 304)
            return "unchanged"
        return "not-modified"

    def _gone(self, result: Gone, plan: Plan) -> str:
        task, res = result.task, result.response
        with self.archive.transaction():
            if res is not None:
                self.add_response(res, "article" if task.kind in ("article", "capture") else "listing")
            outcome = "gone"
            if task.kind in ("article", "capture") and task.ref is not None:
                held = task.revisit.article_id if task.revisit else None
                if held and self.archive.articles.mark_removed(held, res.fetched_at if res else utc_now()):
                    outcome = "removed"
                else:
                    self.archive.state.frontier_drop(task.ref.key)
            self._apply(plan)
        if task.kind in ("article", "capture"):
            setattr(self.summary, outcome, getattr(self.summary, outcome) + 1)
            self._article_event(task, outcome, res.status if res else None)
        return outcome

    def _asset(self, result: AssetFetched, plan: Plan) -> str:
        res, a = result.response, self.archive
        with a.transaction():
            self.add_response(res, "asset")
            a.state.add_asset(result.task.url, res.body, res.header("content-type"), res.fetched_at)
            for article_id in result.task.waiting:
                a.state.link_asset(article_id, result.task.url)
            self._apply(plan)
        self.summary.assets += 1
        return "asset"

    def _failed(self, result: Failed, plan: Plan) -> str:
        task, a, s = result.task, self.archive, self.summary
        if result.disallowed:
            s.disallowed += 1
            self.emit("disallowed", url=task.url)
            return "disallowed"
        with a.transaction():
            if result.response is not None:
                # Raw page kept even when it cannot be read: reextract may manage later.
                kind = {"article": "article", "capture": "article", "asset": "asset"}.get(task.kind, "listing")
                self.add_response(result.response, kind)
            if task.kind in ("article", "capture") and task.ref is not None and task.revisit is None:
                a.state.frontier_failed(QueuedArticle(task.ref.key, task.url, task.ref.folder), result.error, utc_now())
            self._apply(plan)
        if task.kind in ("article", "capture"):
            s.failed += 1
            self.error(f"{task.url}: {result.error}")
            self._article_event(task, "failed", result.response.status if result.response else None, result.error)
        elif task.kind == "asset":
            s.asset_failures += 1
            self.error(f"asset {task.url}: {result.error}")
        else:
            s.listing_failures += 1
            self.error(f"{task.url}: {result.error}")
            self.emit("error", section=task.section, page=task.page, url=task.url, message=result.error)
        return "failed"

    def _article_event(self, task: Task, outcome: str, status: int | None, error: str | None = None) -> None:
        self.emit("article", article_id=task.revisit.article_id if task.revisit else (task.ref.key if task.ref else None),
                  url=task.url, outcome=outcome, status=status, error=error, found_by=task.found_by or None)
