"""Time the ranking engine on a synthetic committee; prints figures, asserts nothing.

    .venv/bin/python benchmarks/rank_bench.py [--candidates 20000] [--criteria 8] [--repeat 15]
                                              [--cpu]

`--cpu` times with this process's CPU time instead of the wall clock: steadier on a shared
machine, where other processes stretch wall-clock times unevenly.

Targets: every method (bootstrap off) within 3× of one plain
`scores.groupby("review_id")["value"].mean()` over the same scores; 1,000 bootstrap resamples
in under 5 s.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import pandas as pd

from reviewapp.ranking import (
    METHODS,
    bootstrap_ranks,
    compute_totals,
    criterion_agreement,
    rank_candidates,
    reviewer_stats,
)
from reviewapp.ranking.calibration import Groups
from reviewapp.ranking.simulate import simulate_committee
from reviewapp.ranking.totals import positions, score_reviews

CLOCK = time.perf_counter


def best_times(actions: dict[str, Callable[[], object]], repeat: int) -> dict[str, float]:
    """Fastest of `repeat` runs of each action, in seconds (after one warm-up run each).

    The actions take turns, round after round, so a slow spell on a shared machine falls on the
    baseline and the ranking alike instead of on whichever happened to be running.
    """
    for action in actions.values():
        action()
    best = dict.fromkeys(actions, float("inf"))
    for _ in range(repeat):
        for label, action in actions.items():
            start = CLOCK()
            action()
            best[label] = min(best[label], CLOCK() - start)
    return best


def fast_paths(frames: tuple) -> str:
    """Which of the ranking's fast paths these frames take: the simulated frames must take the
    ones production frames take, or the figures measure another program."""
    candidates, reviews, scores, criteria = frames
    codes = positions(candidates["candidate_id"], reviews["candidate_id"])
    taken = {
        "dense scores": score_reviews(reviews, scores, criteria).matrix is not None,
        "uniform groups": bool(Groups(codes, len(candidates)).uniform),
        "categorical status": isinstance(reviews["status"].dtype, pd.CategoricalDtype),
        "categorical recommendation": isinstance(
            reviews["recommendation"].dtype, pd.CategoricalDtype
        ),
    }
    return ", ".join(f"{name} {'yes' if ok else 'NO'}" for name, ok in taken.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=20_000)
    parser.add_argument("--reviewers", type=int, default=0, help="default: candidates / 20")
    parser.add_argument("--criteria", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--cpu", action="store_true", help="time CPU, not the wall clock")
    args = parser.parse_args()
    global CLOCK
    if args.cpu:
        CLOCK = time.process_time
    reviewers = args.reviewers or max(12, args.candidates // 20)
    committee = simulate_committee(
        0, n_candidates=args.candidates, n_reviewers=reviewers, n_criteria=args.criteria
    )
    frames = (committee.candidates, committee.reviews, committee.scores, committee.criteria)
    inputs = frames[1:]
    print(
        f"{args.candidates:,} candidates × 3 reviews × {args.criteria} criteria, "
        f"{reviewers:,} reviewers, {len(committee.scores):,} scores"
    )
    print(f"fast paths taken (as `frames.load_frames` frames take them): {fast_paths(frames)}")

    baseline_label = "baseline groupby(review_id).mean()"
    actions = {
        baseline_label: lambda: committee.scores.groupby("review_id")["value"].mean(),
        "compute_totals": lambda: compute_totals(*inputs),
    }
    for method in METHODS:
        actions[f"rank_candidates(method={method!r}, bootstrap=0)"] = lambda m=method: (
            rank_candidates(*frames, method=m, bootstrap=0)
        )
    actions["reviewer_stats"] = lambda: reviewer_stats(*inputs)
    actions["criterion_agreement"] = lambda: criterion_agreement(*inputs)
    timings = best_times(actions, args.repeat)
    baseline = timings[baseline_label]
    for label, seconds in timings.items():
        print(f"{label:44s} {seconds * 1000:8.1f} ms {seconds / baseline:6.1f}×")
    ranking_ratio = max(v for k, v in timings.items() if k.startswith("rank_")) / baseline
    print(f"slowest rank_candidates / baseline: {ranking_ratio:.1f}× (target ≤ 3×)")

    totals = compute_totals(*inputs)["total"].to_numpy()
    group = committee.reviews["candidate_id"].to_numpy() - 1
    start = time.perf_counter()
    bootstrap_ranks(totals, group, args.candidates, resamples=1000, seed=0)
    alone = time.perf_counter() - start
    start = time.perf_counter()
    rank_candidates(*frames, method="adjusted", bootstrap=1000)
    whole = time.perf_counter() - start
    print(f"bootstrap_ranks, 1,000 resamples: {alone:.2f} s (target < 5 s)")
    print(f"rank_candidates(method='adjusted', bootstrap=1000), all included: {whole:.2f} s")


if __name__ == "__main__":
    main()
