"""Calibrated per-review values: each method's candidate score is the mean of these values.

Arrays in, arrays out. `codes` are dense integer codes (0..n-1) of candidates or reviewers.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg
import scipy.sparse as sp
import scipy.sparse.linalg

# Standard deviations below this are zero: totals that are all equal must not produce z = 0/1e-15.
SIGMA_TOLERANCE = 1e-9
# Reviewer systems up to this size are solved densely; larger ones by preconditioned conjugate
# gradients (the system is symmetric positive definite), with sparse LU as the fallback.
DENSE_LIMIT = 500
_CG_RTOL = 1e-12
DEFAULT_RIDGE = 1.0


def group_mean(values: np.ndarray, codes: np.ndarray, n_groups: int) -> np.ndarray:
    """Mean of `values` per code; NaN for a code with no value."""
    counts = np.bincount(codes, minlength=n_groups)
    sums = np.bincount(codes, weights=values, minlength=n_groups)
    out = np.full(n_groups, np.nan)
    np.divide(sums, counts, out=out, where=counts > 0)
    return out


def group_std(values: np.ndarray, codes: np.ndarray, n_groups: int) -> np.ndarray:
    """Population standard deviation (ddof 0) per code, two-pass; NaN for a code with no value."""
    mean = group_mean(values, codes, n_groups)
    counts = np.bincount(codes, minlength=n_groups)
    squares = np.bincount(codes, weights=(values - mean[codes]) ** 2, minlength=n_groups)
    out = np.full(n_groups, np.nan)
    np.divide(squares, counts, out=out, where=counts > 0)
    return np.sqrt(out)


def group_median(values: np.ndarray, codes: np.ndarray, n_groups: int) -> np.ndarray:
    """Median per code (mean of the two middle values for an even count); NaN when empty.

    Groups of equal size are gathered into one matrix each, so the work is a few vectorised
    medians (one per distinct group size), not one per group.
    """
    out = np.full(n_groups, np.nan)
    if values.size == 0:
        return out
    ordered = values[np.argsort(codes, kind="stable")]
    counts = np.bincount(codes, minlength=n_groups)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    for size in np.unique(counts[counts > 0]).tolist():
        members = np.flatnonzero(counts == size)
        out[members] = np.median(ordered[starts[members][:, None] + np.arange(size)], axis=1)
    return out


def zscore_values(total: np.ndarray, reviewer: np.ndarray, n_reviewers: int) -> np.ndarray:
    """v = μ + σ·z: z = (T − μ_r)/σ_r for a reviewer with ≥ 2 reviews and σ_r > 0, else (T − μ)/σ.

    μ, σ are the mean and population std of all totals; if σ == 0 every value is μ.
    """
    if total.size == 0:
        return total.astype(float)
    mu = float(total.mean())
    sigma = float(total.std())
    if sigma <= SIGMA_TOLERANCE:
        return np.full(total.shape, mu)
    counts = np.bincount(reviewer, minlength=n_reviewers)
    mu_r = group_mean(total, reviewer, n_reviewers)
    sigma_r = group_std(total, reviewer, n_reviewers)
    own = (counts >= 2) & (sigma_r > SIGMA_TOLERANCE)
    own_review = own[reviewer]
    z = (total - mu) / sigma
    z[own_review] = (total[own_review] - mu_r[reviewer][own_review]) / sigma_r[reviewer][own_review]
    return mu + sigma * z


def reviewer_effects(
    total: np.ndarray,
    candidate: np.ndarray,
    n_candidates: int,
    reviewer: np.ndarray,
    n_reviewers: int,
    ridge: float = DEFAULT_RIDGE,
    dense_limit: int = DENSE_LIMIT,
) -> np.ndarray:
    """Reviewer effects b of T = μ + a_candidate + b_reviewer + noise, by ridge least squares.

    Minimises Σ (T − μ − a − b)² + ridge·Σ b²: candidate effects are free, reviewer effects are
    shrunk towards 0. The ridge makes the normal equations positive definite, so the fit exists
    when the review graph is not connected (an isolated group's reviewers average 0). Solved on the
    sparse design by eliminating the candidate effects (Schur complement on the reviewers),
    (D_r + ridge·I − Nᵀ D_c⁻¹ N) b = y_r − Nᵀ D_c⁻¹ y_c, N the candidate × reviewer count matrix.
    """
    if not ridge > 0:
        raise ValueError("ridge must be > 0")
    if total.size == 0 or n_reviewers == 0:
        return np.zeros(n_reviewers)
    y = total - total.mean()
    design = sp.csr_matrix(
        (np.ones(total.size), (candidate, reviewer)), shape=(n_candidates, n_reviewers)
    )
    per_candidate = np.bincount(candidate, minlength=n_candidates).astype(float)
    inverse = np.divide(1.0, per_candidate, out=np.zeros(n_candidates), where=per_candidate > 0)
    y_candidate = np.bincount(candidate, weights=y, minlength=n_candidates)
    y_reviewer = np.bincount(reviewer, weights=y, minlength=n_reviewers)
    per_reviewer = np.bincount(reviewer, minlength=n_reviewers).astype(float)
    scaled = sp.diags(inverse) @ design
    system = sp.diags(per_reviewer + ridge) - (design.T @ scaled)
    rhs = y_reviewer - design.T @ (inverse * y_candidate)
    if n_reviewers <= dense_limit:
        return scipy.linalg.solve(system.toarray(), rhs, assume_a="pos")
    jacobi = sp.diags(1.0 / system.diagonal())
    effects, info = scipy.sparse.linalg.cg(system, rhs, rtol=_CG_RTOL, atol=0.0, M=jacobi)
    if info != 0:
        effects = scipy.sparse.linalg.spsolve(system.tocsc(), rhs)
    return effects


def adjusted_values(
    total: np.ndarray,
    candidate: np.ndarray,
    n_candidates: int,
    reviewer: np.ndarray,
    n_reviewers: int,
    ridge: float = DEFAULT_RIDGE,
    dense_limit: int = DENSE_LIMIT,
) -> tuple[np.ndarray, np.ndarray]:
    """Per review T − b_reviewer, whose mean per candidate is μ + candidate effect; and b."""
    effects = reviewer_effects(
        total, candidate, n_candidates, reviewer, n_reviewers, ridge, dense_limit
    )
    return total - effects[reviewer], effects
