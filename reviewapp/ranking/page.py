"""The ranking page's view model: frames → ranking → one page of plain rows and chart data.

Pure pandas over the frames `frames.load_frames` returns; no Flask, no session.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from reviewapp.ranking import (
    compare_rankings,
    criterion_column,
    criterion_names,
    rank_candidates,
    reviewer_stats,
)
from reviewapp.ranking.frames import Frames

PAGE_SIZE = 50
SORTS = ("rank", "name", "score", "mean", "median", "zscore", "adjusted", "n_reviews", "std")
HISTOGRAM_BINS = 10


@dataclass
class RankingPage:
    rows: list[dict]
    criteria: list[dict]  # name, weight (current), override (what-if value or None)
    total: int
    ranked: int
    page: int
    pages: int
    what_if: bool
    chart_data: dict = field(default_factory=dict)


def current_weights(criteria: pd.DataFrame) -> dict[str, float]:
    """The weight of each criterion name in its newest rubric version."""
    if criteria.empty:
        return {}
    newest = criteria.sort_values(["rubric_id", "position"], ascending=[False, True])
    newest = newest.drop_duplicates("name")
    return {str(n): float(w) for n, w in zip(newest["name"], newest["weight"], strict=True)}


def parse_weights(args: Mapping[str, str], names: list[str]) -> dict[str, float]:
    """What-if weights from `weight-<j>` fields (j = criterion position); blanks and bad
    values are ignored."""
    out = {}
    for j, name in enumerate(names):
        raw = (args.get(f"weight-{j}") or "").strip()
        try:
            value = float(raw)
        except ValueError:
            continue
        if math.isfinite(value) and 0 <= value <= 1000:
            out[name] = value
    return out


def rank_bar(lo, hi, ranked: int) -> dict | None:
    """Where the rank interval lo..hi sits on a 0–100 track of `ranked` ranks: x and width in
    percent (2 decimals), drawn as SVG attributes (the CSP forbids style=, not x/width).

    Rank r covers [100·(r−1)/ranked, 100·r/ranked], so the bar spans the whole interval; it is
    at least 0.5 wide so a single rank among thousands stays visible.
    """
    if pd.isna(lo) or pd.isna(hi) or ranked == 0:
        return None
    x = 100 * (int(lo) - 1) / ranked
    width = max(0.5, 100 * (int(hi) - int(lo) + 1) / ranked)
    x = min(x, 100 - width)
    return {"x": round(x, 2), "width": round(width, 2)}


def _number(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


@dataclass
class Ranked:
    """A computed ranking (what the cache keeps): display order, what-if movement, charts."""

    ranking: pd.DataFrame
    movement: pd.Series | None
    names: list[str]
    saved: dict[str, float]
    overrides: dict[str, float]
    chart_data: dict


def compute(
    frames: Frames,
    *,
    method: str,
    reviews_per_candidate: int,
    shortlist_size: int,
    weights: Mapping[str, float] | None = None,
    bootstrap: int = 1000,
) -> Ranked:
    """Rank; with what-if weights, rank again and measure movement against the saved weights."""
    options = dict(
        method=method,
        reviews_per_candidate=reviews_per_candidate,
        shortlist_size=shortlist_size,
        bootstrap=bootstrap,
    )
    saved = current_weights(frames.criteria)
    overrides = {k: v for k, v in (weights or {}).items() if saved.get(k) != v}
    # With what-if weights the saved ranking only supplies ranks to compare: no bootstrap.
    base = rank_candidates(
        frames.candidates,
        frames.reviews,
        frames.scores,
        frames.criteria,
        **{**options, "bootstrap": 0 if overrides else bootstrap},
    )
    ranking, movement = base, None
    if overrides:
        ranking = rank_candidates(
            frames.candidates,
            frames.reviews,
            frames.scores,
            frames.criteria,
            weight_overrides=overrides,
            **options,
        )
        movement = compare_rankings(base, ranking).set_index("candidate_id")["movement"]
    return Ranked(
        ranking,
        movement,
        criterion_names(frames.criteria),
        saved,
        overrides,
        chart_data(ranking, frames),
    )


def paginate(
    ranked: Ranked, *, page: int = 1, sort: str = "rank", descending: bool = False
) -> RankingPage:
    """Sort (rank by default) and cut one page of PAGE_SIZE plain rows."""
    ranking, movement, names = ranked.ranking, ranked.movement, ranked.names
    if sort in SORTS and sort != "rank":
        key = ranking[sort]
        if sort == "name":
            key = key.astype(str).str.casefold()
        ranking = ranking.assign(_key=key.to_numpy()).sort_values(
            "_key", ascending=not descending, na_position="last", kind="stable"
        )
    elif descending:
        ranking = ranking.iloc[::-1]
    total = len(ranking)
    pages = max(1, math.ceil(total / PAGE_SIZE))
    page = min(max(1, page), pages)
    n_ranked = int(ranking["rank"].notna().sum())
    rows = []
    for record in ranking.iloc[(page - 1) * PAGE_SIZE : page * PAGE_SIZE].to_dict("records"):
        move = movement.get(record["candidate_id"]) if movement is not None else None
        rows.append(
            {
                "candidate_id": record["candidate_id"],
                "name": record["name"],
                "rank": None if pd.isna(record["rank"]) else int(record["rank"]),
                **{k: _number(record[k]) for k in ("score", "mean", "median", "zscore")},
                "adjusted": _number(record["adjusted"]),
                "n_reviews": int(record["n_reviews"]),
                "std": _number(record["std"]),
                "flags": list(record["flags"]),
                "rank_lo": None if pd.isna(record["rank_lo"]) else int(record["rank_lo"]),
                "rank_hi": None if pd.isna(record["rank_hi"]) else int(record["rank_hi"]),
                "p_top_k": _number(record["p_top_k"]),
                "bar": rank_bar(record["rank_lo"], record["rank_hi"], n_ranked),
                "criteria": [_number(record.get(criterion_column(n))) for n in names],
                "movement": None if move is None or pd.isna(move) else int(move),
            }
        )
    criteria = [
        {
            "index": j,
            "name": n,
            "weight": ranked.saved.get(n, 1.0),
            "override": ranked.overrides.get(n),
        }
        for j, n in enumerate(names)
    ]
    return RankingPage(
        rows=rows,
        criteria=criteria,
        total=total,
        ranked=n_ranked,
        page=page,
        pages=pages,
        what_if=bool(ranked.overrides),
        chart_data=ranked.chart_data,
    )


def build_page(frames: Frames, *, page: int = 1, sort: str = "rank", descending: bool = False,
               **options) -> RankingPage:  # fmt: skip
    """`compute` then `paginate` (no cache)."""
    return paginate(compute(frames, **options), page=page, sort=sort, descending=descending)


class RankingCache:
    """A small per-process LRU of computed rankings. Keys carry the data version
    (`frames.data_version`), so any new review, score, candidate, conflict or stage change
    makes a new key; old entries simply age out.

    Single flight: while one thread computes a key, others asking for it wait for that result
    instead of computing it again (three chairs opening a fresh ranking cost one computation,
    not three). If the computing thread fails, a waiting one takes over.

    Bounded staleness, only when asked: with a `family` (the key without the data revision)
    and `max_age` seconds, an entry of the same family computed less than `max_age` ago is
    returned instead of computing the new key. Same family means the same stage, settings,
    hidden candidates, method and weights, so a conflict still always gives a fresh key."""

    def __init__(self, size: int = 8) -> None:
        self.size = size
        self._entries: OrderedDict = OrderedDict()
        self._born: dict = {}  # key → (family, monotonic time computed)
        self._pending: dict = {}
        self._lock = threading.Lock()

    def get_or_compute(self, key, compute_fn, *, family=None, max_age: float = 0.0):
        while True:
            with self._lock:
                if key in self._entries:
                    self._entries.move_to_end(key)
                    return self._entries[key]
                recent = self._recent(family, max_age)
                if recent is not None:
                    return recent
                event = self._pending.get(key)
                owner = event is None
                if owner:
                    event = self._pending[key] = threading.Event()
            if owner:
                break
            event.wait()
        try:
            value = compute_fn()
            with self._lock:
                self._entries[key] = value
                self._born[key] = (family, time.monotonic())
                while len(self._entries) > self.size:
                    self._born.pop(self._entries.popitem(last=False)[0], None)
            return value
        finally:
            with self._lock:
                self._pending.pop(key, None)
            event.set()

    def _recent(self, family, max_age: float):
        """The newest entry of `family` younger than `max_age` seconds (lock held)."""
        if family is None or max_age <= 0:
            return None
        now, best, born_best = time.monotonic(), None, -1.0
        for key, (entry_family, born) in self._born.items():
            if entry_family == family and now - born < max_age and born > born_best:
                best, born_best = key, born
        return None if best is None else self._entries[best]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._born.clear()


cache = RankingCache()


def chart_data(ranking: pd.DataFrame, frames: Frames) -> dict:
    """Score histogram (10 bins over 0–100) and reviewer leniency, as JSON-ready lists."""
    scores = ranking["score"].to_numpy(dtype=float)
    scores = scores[np.isfinite(scores)]
    counts, edges = np.histogram(np.clip(scores, 0, 100), bins=HISTOGRAM_BINS, range=(0, 100))
    labels = [f"{int(a)}–{int(b)}" for a, b in zip(edges[:-1], edges[1:], strict=True)]
    stats = reviewer_stats(
        frames.reviews, frames.scores, frames.criteria, assignments=frames.assignments
    )
    names = frames.reviewers.set_index("reviewer_id")["reviewer"]
    stats = stats[stats["leniency"].notna()]
    return {
        "histogram": {"labels": labels, "counts": counts.astype(int).tolist()},
        "leniency": {
            "labels": [str(names.get(r, f"Reviewer {r}")) for r in stats["reviewer_id"]],
            "values": [round(float(v), 2) for v in stats["leniency"]],
        },
    }
