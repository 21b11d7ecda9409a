"""Optimal reviewer assignment: a bipartite b-matching solved as a linear program (HiGHS).

Pure: sizes, an affinity matrix and sets of (candidate, reviewer) index pairs in, a Proposal out.

Formulation. One variable x[c, r] in [0, 1] for every allowed pair (neither forbidden nor fixed):

    maximise    sum a[c, r] * x[c, r]                      (total affinity)
    subject to  sum_r x[c, r] = k - fixed_c                for every candidate c
                low_r <= sum_c x[c, r] + fixed_r <= high_r  for every reviewer r

x <= 1 makes a candidate's reviewers distinct. The constraint matrix is the incidence matrix of a
bipartite graph, hence totally unimodular: with integral bounds every vertex of the polytope is
integral, so the simplex optimum is already a 0/1 assignment (it is still rounded and checked, and
scipy.optimize.milp takes over should it ever not be). The goals are met in order:

1. Balanced: high_r = min(cap_r, h) and low_r = min(cap_r, l), the water levels that spread the
   T = sum_c min(k, options_c) slots evenly (uniform caps: ceil(T/R) and floor(T/R), so
   max - min <= 1). cap_r is the reviewer's capacity override, else max_load, else
   ceil(n*k/R) (with overrides: an even share of the n*k slots the overrides leave).
2. If that is infeasible: loads anywhere in [0, cap_r].
3. If that is infeasible too: first the largest number of filled slots (an LP with unit weights),
   then the best affinity with that number fixed (slack s_c per candidate, sum s_c fixed: still a
   bipartite incidence matrix). Candidates left short are reported with the reason.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

Pair = tuple[int, int]


@dataclass(frozen=True)
class Unassignable:
    """A candidate who gets fewer than k reviewers, and why."""

    candidate: int
    assigned: int
    missing: int
    reason: str


@dataclass
class Proposal:
    """An assignment: the (candidate, reviewer) pairs, fixed ones included."""

    pairs: list[Pair]
    loads: list[int]
    affinity: dict[Pair, float]
    mean_affinity: float
    unassignable: list[Unassignable] = field(default_factory=list)
    status: str = "balanced"  # balanced | unbalanced | partial | random

    @property
    def is_complete(self) -> bool:
        return not self.unassignable

    @property
    def load_spread(self) -> int:
        return max(self.loads) - min(self.loads) if self.loads else 0


def _water_levels(caps: np.ndarray, total: int) -> tuple[int, int]:
    """(l, h): the largest l with sum min(cap, l) <= total, the smallest h with sum >= total."""
    top = int(caps.max(initial=0))
    sums = [int(np.minimum(caps, level).sum()) for level in range(top + 1)]
    low = max(level for level, s in enumerate(sums) if s <= total)
    high = next((level for level, s in enumerate(sums) if s >= total), top)
    return low, high


def _capacities(
    n: int, n_rev: int, k: int, max_load: int | None, capacity: Mapping[int, int]
) -> np.ndarray:
    """Each reviewer's cap: the override, else max_load, else an even share of what is left."""
    overrides = {r: c for r, c in capacity.items() if 0 <= r < n_rev}
    if max_load is None:
        rest = n_rev - len(overrides)
        left = max(0, n * k - sum(overrides.values()))
        max_load = math.ceil(left / rest) if rest else 0
    return np.array([overrides.get(r, max_load) for r in range(n_rev)], dtype=int)


def _solve_lp(
    gain: np.ndarray,
    a_eq: sp.csr_matrix | None,
    b_eq: np.ndarray | None,
    a_ub: sp.csr_matrix,
    b_ub: np.ndarray,
    upper: np.ndarray,
) -> np.ndarray | None:
    """Maximise gain @ x; None when infeasible. Falls back to milp if the vertex is fractional."""
    res = linprog(
        -gain, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=np.c_[0 * upper, upper],
        method="highs-ds", options={"presolve": False},  # presolve only slows this LP (2x)
    )  # fmt: skip
    if res.status == 2:
        return None
    if res.status != 0:
        raise RuntimeError(f"assignment LP failed: {res.message}")
    x = np.round(res.x)
    if np.abs(res.x - x).max(initial=0.0) < 1e-6:
        return x
    rows = [LinearConstraint(a_ub, -np.inf, b_ub)]
    if a_eq is not None:
        rows.append(LinearConstraint(a_eq, b_eq, b_eq))
    res = milp(-gain, constraints=rows, bounds=Bounds(0, upper), integrality=np.ones(len(gain)))
    if res.status != 0:
        raise RuntimeError(f"assignment MILP failed: {res.message}")
    return np.round(res.x)


def solve_assignment(
    n_candidates: int,
    n_reviewers: int,
    *,
    k: int,
    max_load: int | None = None,
    affinity: np.ndarray | None = None,
    forbidden: Iterable[Pair] = (),
    fixed: Iterable[Pair] = (),
    capacity: Mapping[int, int] | None = None,
    balance: bool = True,
) -> Proposal:
    """Give every candidate k distinct allowed reviewers, loads balanced, affinity maximised.

    Fixed pairs (reviews already started) are always kept and count towards k and the loads,
    even when they are also forbidden or exceed a cap.
    """
    n, n_rev = n_candidates, n_reviewers
    aff = np.zeros((n, n_rev)) if affinity is None else np.asarray(affinity, dtype=float)
    if aff.shape != (n, n_rev):
        raise ValueError(f"affinity has shape {aff.shape}, expected {(n, n_rev)}")
    fixed_pairs = sorted(set(fixed))
    allowed = np.ones((n, n_rev), dtype=bool)
    for c, r in set(forbidden) | set(fixed_pairs):
        allowed[c, r] = False
    fixed_c = np.bincount([c for c, _ in fixed_pairs], minlength=n)
    fixed_r = np.bincount([r for _, r in fixed_pairs], minlength=n_rev)
    caps = _capacities(n, n_rev, k, max_load, capacity or {})
    need = np.maximum(0, k - fixed_c)
    options = allowed.sum(axis=1)

    c_idx, r_idx = np.nonzero(allowed)
    m = len(c_idx)
    ones = np.ones(m)
    a_cand = sp.csr_matrix((ones, (c_idx, np.arange(m))), shape=(n, m))
    a_rev = sp.csr_matrix((ones, (r_idx, np.arange(m))), shape=(n_rev, m))
    gain = aff[c_idx, r_idx]
    upper = np.ones(m)

    x, status = (np.zeros(0), "partial" if need.any() else "balanced") if m == 0 else (None, "")
    if x is None and np.all(need <= options):
        attempts = []
        if balance:
            total = int(np.minimum(k, fixed_c + options).sum())
            low, high = _water_levels(caps, total)
            attempts.append(("balanced", np.minimum(caps, low), np.minimum(caps, high)))
        attempts.append(("unbalanced", np.zeros(n_rev, dtype=int), caps))
        for attempt, lows, highs in attempts:
            status = attempt
            b_ub = np.r_[np.maximum(0, highs - fixed_r), -np.maximum(0, lows - fixed_r)]
            x = _solve_lp(gain, a_cand, need.astype(float), sp.vstack([a_rev, -a_rev]), b_ub, upper)
            if x is not None:
                break
    if x is None:
        status = "partial"
        x = _solve_partial(gain, a_cand, a_rev, need, np.maximum(0, caps - fixed_r))

    chosen = [(int(c), int(r)) for c, r, v in zip(c_idx, r_idx, x[:m], strict=True) if v > 0.5]
    proposal = _proposal(sorted(chosen + fixed_pairs), n, n_rev, aff, status)
    counts = np.bincount([c for c, _ in proposal.pairs], minlength=n)
    for c in np.flatnonzero(counts < k):
        if fixed_c[c] + options[c] < k:
            reason = f"only {fixed_c[c] + options[c]} reviewers without a conflict (k={k})"
        else:
            reason = "the reviewers who could take this candidate are at their load limit"
        proposal.unassignable.append(
            Unassignable(int(c), int(counts[c]), k - int(counts[c]), reason)
        )
    return proposal


def _solve_partial(
    gain: np.ndarray,
    a_cand: sp.csr_matrix,
    a_rev: sp.csr_matrix,
    need: np.ndarray,
    room: np.ndarray,
) -> np.ndarray:
    """Fill as many slots as possible, then maximise affinity among those fillings."""
    m, n = a_cand.shape[1], a_cand.shape[0]
    a_ub = sp.vstack([a_cand, a_rev]).tocsr()
    b_ub = np.r_[need, room].astype(float)
    x = _solve_lp(np.ones(m), None, None, a_ub, b_ub, np.ones(m))
    best = int(round(x.sum())) if x is not None else 0
    # Variables [x, s]: each candidate's slots are filled or slack; total slack is fixed.
    a_eq = sp.vstack(
        [sp.hstack([a_cand, sp.identity(n)]), sp.hstack([sp.csr_matrix((1, m)), np.ones((1, n))])]
    ).tocsr()
    b_eq = np.r_[need, need.sum() - best].astype(float)
    a_rev_ext = sp.hstack([a_rev, sp.csr_matrix((a_rev.shape[0], n))]).tocsr()
    upper = np.r_[np.ones(m), need].astype(float)
    x = _solve_lp(np.r_[gain, np.zeros(n)], a_eq, b_eq, a_rev_ext, room.astype(float), upper)
    if x is None:
        raise RuntimeError("assignment LP with the best slot count became infeasible")
    return x


def _proposal(pairs: list[Pair], n: int, n_rev: int, aff: np.ndarray, status: str) -> Proposal:
    affinity = {(c, r): float(aff[c, r]) for c, r in pairs}
    loads = np.bincount([r for _, r in pairs], minlength=n_rev).astype(int).tolist()
    mean = float(np.mean(list(affinity.values()))) if affinity else 0.0
    return Proposal(pairs, loads, affinity, mean, [], status)


def random_feasible_assignment(
    n_candidates: int,
    n_reviewers: int,
    *,
    k: int,
    max_load: int | None = None,
    affinity: np.ndarray | None = None,
    forbidden: Iterable[Pair] = (),
    seed: int = 0,
) -> Proposal:
    """A random assignment under the same rules (least-loaded first): the benchmark baseline."""
    rng = np.random.default_rng(seed)
    n, n_rev = n_candidates, n_reviewers
    aff = np.zeros((n, n_rev)) if affinity is None else np.asarray(affinity, dtype=float)
    cap = max_load if max_load is not None else math.ceil(n * k / max(n_rev, 1))
    banned = set(forbidden)
    loads = np.zeros(n_rev, dtype=int)
    pairs: list[Pair] = []
    short: list[Unassignable] = []
    for c in rng.permutation(n):
        order = rng.permutation(n_rev)
        order = order[np.argsort(loads[order], kind="stable")]
        chosen = [int(r) for r in order if loads[r] < cap and (int(c), int(r)) not in banned][:k]
        loads[chosen] += 1
        pairs += [(int(c), r) for r in chosen]
        if len(chosen) < k:
            short.append(Unassignable(int(c), len(chosen), k - len(chosen), "random pass ran out"))
    proposal = _proposal(sorted(pairs), n, n_rev, aff, "random")
    proposal.unassignable = sorted(short, key=lambda u: u.candidate)
    return proposal
