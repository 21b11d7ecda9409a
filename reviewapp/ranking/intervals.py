"""Rank intervals off the request path: the 1,000-resample bootstrap of a ranking, computed once
per cache key by a huey job and kept in `ranking_intervals` for every process and every chair
whose view of the data is the same.

The page renders the table at once (`page.compute(..., bootstrap=0)`) and asks `ensure` for the
intervals of its key: a finished row fills the interval and P(top K) columns; otherwise the
page says "computing intervals…" and static/js/ranking.js polls `routes.interval_status` until
the row is done, then reloads. Positions with fewer than `inline_limit` candidates (config
RANKING_INLINE_CANDIDATES) run the same job body inside the request: one code path.

The job recomputes exactly what the key promises: the row stores the data revision, options and
the hidden candidates; if the data revision moved before or while it ran, the row becomes
"stale" (a newer key replaces it) rather than attaching intervals to data they were not drawn
from.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from datetime import timedelta

import numpy as np
import pandas as pd
from flask import Flask, current_app
from sqlalchemy.exc import IntegrityError

from reviewapp.db import utcnow
from reviewapp.extensions import db
from reviewapp.positions.models import Position, Stage
from reviewapp.ranking import rank_candidates, revision
from reviewapp.ranking.frames import load_frames
from reviewapp.ranking.models import IntervalStatus, RankingInterval
from reviewapp.ranking.page import Ranked, current_weights

log = logging.getLogger(__name__)
BOOTSTRAP = 1000
INLINE_LIMIT = 2000
_TASK_KEY = "reviewapp.ranking_intervals_task"
PRUNE_AFTER = timedelta(hours=1)


def interval_key(version: tuple, method: str, weights: dict[str, float]) -> str:
    """The row key of one ranking's intervals (a digest of everything they depend on)."""
    text = repr((version, method, sorted(weights.items()), BOOTSTRAP))
    return hashlib.sha256(text.encode()).hexdigest()


def inline_limit() -> int:
    return int(current_app.config.get("RANKING_INLINE_CANDIDATES", INLINE_LIMIT))


def ensure(
    position: Position,
    stage: Stage,
    *,
    version: tuple,
    hidden: frozenset[int],
    method: str,
    weights: dict[str, float],
    n_candidates: int,
) -> RankingInterval:
    """The intervals row of this key, created (and its job started) on first need; a failed
    row is retried (the page tells the chair to reload for that).

    Commits when it creates or retries the row (the worker must see it); small positions are
    computed before returning."""
    key = interval_key(version, method, weights)
    row = db.session.scalar(db.select(RankingInterval).where(RankingInterval.key == key))
    if row is not None:
        if row.status != IntervalStatus.FAILED:
            return row
        row.status, row.error, row.finished_at = IntervalStatus.QUEUED, "", None
        return _start(row, n_candidates)
    row = RankingInterval(
        position_id=position.id,
        stage_id=stage.id,
        key=key,
        data_revision=version[3],
        options={"method": method, "weights": weights},
        hidden_candidate_ids=sorted(hidden),
    )
    # Rows of older data revisions are dead keys: drop those nobody can still be polling.
    db.session.execute(
        db.delete(RankingInterval).where(
            RankingInterval.position_id == position.id,
            RankingInterval.data_revision != row.data_revision,
            RankingInterval.created_at < utcnow() - PRUNE_AFTER,
        )
    )
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:  # another request created it meanwhile
        return db.session.scalar(db.select(RankingInterval).where(RankingInterval.key == key))
    return _start(row, n_candidates)


def _start(row: RankingInterval, n_candidates: int) -> RankingInterval:
    """Compute a queued row now (small positions) or commit it and queue its job."""
    if n_candidates < inline_limit():
        run(row)
        db.session.commit()
        return row
    db.session.commit()
    enqueue(current_app._get_current_object(), row.id)
    return db.session.get(RankingInterval, row.id, populate_existing=True)


def compute_result(position: Position, stage: Stage, row: RankingInterval) -> list[list]:
    """[candidate_id, rank_lo, rank_hi, p_top_k] of every ranked candidate, as the row's key
    promises (same hidden candidates, method and what-if weights as `page.compute`)."""
    frames = load_frames(position, stage, hidden=row.hidden_candidate_ids)
    weights = row.options.get("weights") or {}
    saved = current_weights(frames.criteria)
    overrides = {k: v for k, v in weights.items() if saved.get(k) != v}
    ranking = rank_candidates(
        frames.candidates,
        frames.reviews,
        frames.scores,
        frames.criteria,
        method=row.options.get("method", "mean"),
        reviews_per_candidate=position.reviews_per_candidate,
        shortlist_size=position.shortlist_size,
        bootstrap=BOOTSTRAP,
        weight_overrides=overrides or None,
    )
    ranked = ranking[ranking["rank_lo"].notna()]
    return [
        [int(c), int(lo), int(hi), float(p)]
        for c, lo, hi, p in zip(
            ranked["candidate_id"], ranked["rank_lo"], ranked["rank_hi"], ranked["p_top_k"],
            strict=True,
        )
    ]  # fmt: skip


def run(row: RankingInterval) -> None:
    """Compute the row (no commit). A row whose data revision is no longer current is marked
    stale instead: its intervals would describe data nobody is shown any more."""
    position = db.session.get(Position, row.position_id)
    stage = db.session.get(Stage, row.stage_id)
    if position is None or stage is None:
        return
    row.status = IntervalStatus.RUNNING
    if revision.current(db.session, position.id) != row.data_revision:
        row.status, row.finished_at = IntervalStatus.STALE, utcnow()
        return
    result = compute_result(position, stage, row)
    stale = revision.current(db.session, position.id) != row.data_revision
    row.status = IntervalStatus.STALE if stale else IntervalStatus.DONE
    row.result = None if stale else result
    row.finished_at = utcnow()


def run_interval_job(app: Flask, interval_id: int) -> None:
    """The worker's entry point: compute one row in a fresh app context and commit."""
    with app.app_context():
        try:
            row = db.session.get(RankingInterval, interval_id)
            if row is None or row.is_finished:
                return
            row.status = IntervalStatus.RUNNING
            db.session.commit()
            try:
                run(row)
            except Exception as exc:  # noqa: BLE001 - the page must learn the job failed
                log.exception("rank intervals %s failed", interval_id)
                db.session.rollback()
                row = db.session.get(RankingInterval, interval_id)
                row.status, row.finished_at = IntervalStatus.FAILED, utcnow()
                row.error = f"{type(exc).__name__}: could not compute the intervals"
            db.session.commit()
        finally:
            db.session.remove()


def register_interval_task(huey, app: Flask) -> None:
    """Register the task on the app's huey (where the huey is made, so workers know it)."""

    @huey.task(name="ranking_intervals")
    def ranking_intervals(interval_id: int) -> None:
        run_interval_job(app, interval_id)

    app.extensions[_TASK_KEY] = ranking_intervals


def enqueue(app: Flask, interval_id: int) -> None:
    """Queue a committed row for the worker (or run it now when JOBS_IMMEDIATE)."""
    from reviewapp.importing.jobs import get_huey

    get_huey(app)
    app.extensions[_TASK_KEY](interval_id)


def resume_unfinished_intervals(app: Flask) -> int:
    """Re-queue interval rows a stopped worker left queued or running (it flushes its queue);
    rows of data revisions that moved on become stale when their job starts."""
    with app.app_context():
        unfinished = [IntervalStatus.QUEUED, IntervalStatus.RUNNING]
        ids = list(
            db.session.scalars(
                db.select(RankingInterval.id).where(RankingInterval.status.in_(unfinished))
            )
        )
        db.session.remove()
    for interval_id in ids:
        enqueue(app, interval_id)
    return len(ids)


class _Merged:
    """Per-process LRU of rankings with their intervals filled in, by interval key, so the
    JSON of a finished row is parsed once per process."""

    def __init__(self, size: int = 8) -> None:
        self.size, self._entries, self._lock = size, OrderedDict(), threading.Lock()

    def get(self, key: str) -> Ranked | None:
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
            return self._entries.get(key)

    def put(self, key: str, value: Ranked) -> None:
        with self._lock:
            self._entries[key] = value
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


merged_cache = _Merged()


def with_intervals(ranked: Ranked, row: RankingInterval) -> Ranked:
    """`ranked` with rank_lo, rank_hi and p_top_k taken from a finished row (cached)."""
    cached = merged_cache.get(row.key)
    if cached is not None:
        return cached
    result = np.asarray(row.result or [], dtype=float).reshape(-1, 4)
    ranking = ranked.ranking.copy()
    position = pd.Series(np.arange(len(result)), index=result[:, 0].astype(np.int64))
    index = position.reindex(ranking["candidate_id"].to_numpy()).to_numpy()
    found = ~np.isnan(index)
    picks = np.where(found, index, 0).astype(np.int64)

    def column(j: int) -> np.ndarray:
        return np.where(found, result[picks, j] if len(result) else np.nan, np.nan)

    lo, hi = column(1), column(2)
    ranking["rank_lo"] = pd.array(np.where(found, lo, 0).astype(np.int64), dtype="Int64")
    ranking["rank_hi"] = pd.array(np.where(found, hi, 0).astype(np.int64), dtype="Int64")
    ranking.loc[~found, ["rank_lo", "rank_hi"]] = pd.NA
    ranking["p_top_k"] = column(3)
    out = Ranked(
        ranking, ranked.movement, ranked.names, ranked.saved, ranked.overrides, ranked.chart_data
    )
    merged_cache.put(row.key, out)
    return out
