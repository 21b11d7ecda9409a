"""Time the decision-pack workbook against a bare openpyxl dump of the same cells; peak memory.

    .venv/bin/python benchmarks/export_bench.py [--candidates 20000] [--criteria 8]

Targets: build_workbook within 1.5× of a bare write-only dump (same values, no styles, no
conversion) and a peak RSS under 500 MB for 20,000 candidates.
"""

from __future__ import annotations

import argparse
import io
import resource
import time
from datetime import UTC, datetime, timedelta

import numpy as np
from openpyxl import Workbook

from reviewapp.exports import DecisionPack, build_workbook
from reviewapp.exports import workbook as sheets
from reviewapp.ranking import (
    METHOD_DESCRIPTIONS,
    criterion_agreement,
    rank_candidates,
    review_table,
    reviewer_stats,
)
from reviewapp.ranking.simulate import simulate_committee

WORDS = [
    "strong",
    "clear",
    "record",
    "teaching",
    "plan",
    "fit",
    "weak",
    "evidence",
    "funding",
    "group",
    "impact",
    "methods",
]


def make_pack(n_candidates: int, n_criteria: int) -> DecisionPack:
    """A synthetic 20k-candidate pack with realistic text in every free-text column."""
    rng = np.random.default_rng(1)
    c = simulate_committee(
        0, n_candidates=n_candidates, n_reviewers=max(12, n_candidates // 20), n_criteria=n_criteria
    )
    ranking = rank_candidates(c.candidates, c.reviews, c.scores, c.criteria, bootstrap=1000)
    names = c.candidates.set_index("candidate_id")["name"]
    detail = review_table(c.reviews, c.scores, c.criteria)
    detail["candidate"] = detail["candidate_id"].map(names)
    detail["reviewer"] = detail["reviewer_id"].map(lambda i: f"Reviewer Name {i}")
    detail["stage"] = "Long list"
    detail["comment"] = [" ".join(rng.choice(WORDS, 15)) for _ in range(len(detail))]
    start = datetime(2026, 1, 5, tzinfo=UTC)
    detail["submitted_at"] = [
        start + timedelta(minutes=int(m)) for m in rng.integers(0, 9e4, len(detail))
    ]
    detail["rubric_version"] = 1
    stats = reviewer_stats(c.reviews, c.scores, c.criteria)
    stats["reviewer"] = stats["reviewer_id"].map(lambda i: f"Reviewer Name {i}")
    profile = c.candidates.assign(
        emails=[[f"person{i}@example.org"] for i in range(n_candidates)],
        phone="+44 20 7946 0000",
        highest_degree="PhD",
        institution=rng.choice(["Uni A", "Uni B", "Institute C"], n_candidates),
        degree_year=rng.integers(1995, 2025, n_candidates),
        current_position="Postdoctoral researcher",
        publications=rng.integers(0, 80, n_candidates),
        documents=1,
        imported_at=start,
        attributes=[{"Area": str(a)} for a in rng.choice(WORDS, n_candidates)],
    )
    return DecisionPack(
        position_title="Benchmark position",
        stage="Long list",
        method="mean",
        method_description=METHOD_DESCRIPTIONS["mean"],
        ranking=ranking,
        criteria=criterion_agreement(c.reviews, c.scores, c.criteria),
        candidates=profile,
        reviews=detail,
        reviewers=stats,
        generated_at=datetime.now(UTC),
        generated_by="Benchmark",
        counts={"Candidates": n_candidates, "Submitted reviews": len(detail)},
        rubric_versions=[1],
        manifest_columns=["Area"],
    )


def bare_dump(tables: dict[str, list[list]]) -> bytes:
    """The same cell values appended raw to a write-only workbook: openpyxl's floor."""
    wb = Workbook(write_only=True)
    for title, rows in tables.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def same_cells(pack: DecisionPack) -> dict[str, list[list]]:
    """Header + rows of every table sheet, as the workbook writes them (About left out)."""
    names = sheets.pack_criteria_names(pack)
    tables = {
        "Ranking": sheets.ranking_columns(pack.ranking, names),
        "Candidates": sheets._candidate_columns(pack, None),
        "Reviews": sheets._review_columns(pack, names, {}, None),
        "Reviewers": sheets._reviewer_columns(pack, {}),
        "Criteria": sheets._criteria_columns(pack),
    }
    return {
        title: [[c.header for c in cols], *map(list, zip(*(c.values for c in cols), strict=True))]
        for title, cols in tables.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=20_000)
    parser.add_argument("--criteria", type=int, default=8)
    args = parser.parse_args()
    pack = make_pack(args.candidates, args.criteria)
    cells = same_cells(pack)
    n_cells = sum(len(rows) * len(rows[0]) for rows in cells.values())
    print(f"{args.candidates:,} candidates, {len(pack.reviews):,} reviews, {n_cells:,} cells")

    start = time.perf_counter()
    bare = bare_dump(cells)
    bare_seconds = time.perf_counter() - start
    start = time.perf_counter()
    data = build_workbook(pack)
    full_seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"bare write-only dump:  {bare_seconds:6.2f} s  {len(bare) / 1e6:5.1f} MB")
    print(f"build_workbook:        {full_seconds:6.2f} s  {len(data) / 1e6:5.1f} MB")
    print(f"ratio: {full_seconds / bare_seconds:.2f}× (target ≤ 1.5×)")
    print(f"peak RSS of this process: {peak_mb:.0f} MB (target < 500 MB)")


if __name__ == "__main__":
    main()
