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
# Reviewer systems up to this size are solved densely; larger ones by matrix-free preconditioned
# conjugate gradients (the system is symmetric positive definite), with sparse LU as the fallback.
DENSE_LIMIT = 500
_CG_RTOL = 1e-12
DEFAULT_RIDGE = 1.0


class Groups:
    """Dense integer codes 0..n-1 sorted once, so every per-group sum is one `np.add.reduceat`.

    A pass over sorted values is several times faster than a weighted `np.bincount`, and the sort
    is skipped when the codes are already in order (reviews listed candidate by candidate).
    """

    def __init__(self, codes: np.ndarray, n_groups: int) -> None:
        self.codes, self.n_groups = codes, n_groups
        self.counts = np.bincount(codes, minlength=n_groups)
        in_order = codes.size < 2 or bool((codes[1:] >= codes[:-1]).all())
        self.order = None if in_order else np.argsort(codes, kind="stable")
        self.filled = self.counts > 0
        ends = np.cumsum(self.counts)
        self.starts = ends - self.counts  # of every group, empty ones included
        self.first = self.starts[self.filled]
        # Every group the same size k, codes in order (k reviews per candidate, listed candidate
        # by candidate): sums are k strided adds, faster still than `reduceat`.
        uniform = in_order and codes.size > 0 and bool((self.counts == self.counts[0]).all())
        self.uniform = int(self.counts[0]) if uniform and self.counts[0] <= 16 else 0

    def sorted(self, values: np.ndarray) -> np.ndarray:
        """`values` in group order (stable within a group)."""
        return values if self.order is None else values[self.order]

    def sum(self, values: np.ndarray) -> np.ndarray:
        """Sum per group (rows of a 2-D array); 0 for an empty group."""
        if self.uniform:  # same order of additions as `reduceat` and `bincount`: same sums
            step = self.uniform
            out = values[0::step].astype(float)
            for j in range(1, step):
                out += values[j::step]
            return out
        out = np.zeros((self.n_groups, *values.shape[1:]))
        if self.first.size:
            out[self.filled] = np.add.reduceat(self.sorted(values), self.first, axis=0)
        return out

    def mean(self, values: np.ndarray) -> np.ndarray:
        """Mean per group; NaN for an empty group."""
        out = self.sum(values)
        shape = (-1, *[1] * (values.ndim - 1))
        if self.uniform:
            out /= self.uniform
        elif self.filled.all():
            out /= self.counts.reshape(shape)
        else:
            out[~self.filled] = np.nan
            out[self.filled] /= self.counts[self.filled].reshape(shape)
        return out

    def std(self, values: np.ndarray) -> np.ndarray:
        """Population standard deviation (ddof 0) per group, two-pass; NaN for an empty group."""
        squares = (values - self.mean(values)[self.codes]) ** 2
        return np.sqrt(self.mean(squares))

    def median(self, values: np.ndarray) -> np.ndarray:
        """Median per group (see `group_median`)."""
        sizes = [self.uniform] if self.uniform else None
        return _sorted_median(self.sorted(values), self.counts, self.starts, sizes)


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
    if values.size == 0:
        return np.full(n_groups, np.nan)
    counts = np.bincount(codes, minlength=n_groups)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    return _sorted_median(values[np.argsort(codes, kind="stable")], counts, starts)


def _sorted_median(
    ordered: np.ndarray,
    counts: np.ndarray,
    starts: np.ndarray,
    sizes: list[int] | None = None,
) -> np.ndarray:
    """Median per group of values sorted by group; `starts` and `counts` index every group.

    `sizes`, when known, lists the distinct non-zero counts (one size: every group has it).
    """
    out = np.full(counts.size, np.nan)
    if ordered.size == 0:
        return out
    every = sizes is not None and len(sizes) == 1  # then no group is empty either
    if sizes is None:
        sizes = np.unique(counts[counts > 0]).tolist()
    for size in sizes:
        members = np.arange(counts.size) if every else np.flatnonzero(counts == size)
        first = starts[members]
        if size == 1:
            out[members] = ordered[first]
        elif size == 3:  # the middle value, selected exactly (no arithmetic), without a sort
            a, b, c = ordered[first], ordered[first + 1], ordered[first + 2]
            out[members] = np.maximum(np.minimum(a, b), np.minimum(np.maximum(a, b), c))
        else:
            out[members] = np.median(ordered[first[:, None] + np.arange(size)], axis=1)
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
    mu_r = np.bincount(reviewer, weights=total, minlength=n_reviewers)
    np.divide(mu_r, counts, out=mu_r, where=counts > 0)
    squares = np.bincount(reviewer, weights=(total - mu_r[reviewer]) ** 2, minlength=n_reviewers)
    sigma_r = np.sqrt(np.divide(squares, counts, out=np.zeros(n_reviewers), where=counts > 0))
    own = (counts >= 2) & (sigma_r > SIGMA_TOLERANCE)
    # Per reviewer, the centre and spread each review is measured against (own or everyone's).
    centre = np.where(own, mu_r, mu)[reviewer]
    spread = np.where(own, sigma_r, sigma)[reviewer]
    z = total - centre
    z /= spread
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
    per_candidate = np.bincount(candidate, minlength=n_candidates).astype(float)
    inverse = np.divide(1.0, per_candidate, out=np.zeros(n_candidates), where=per_candidate > 0)
    per_reviewer = np.bincount(reviewer, minlength=n_reviewers).astype(float)
    design = _design(candidate, n_candidates, reviewer, n_reviewers)
    y_candidate = np.bincount(candidate, weights=y, minlength=n_candidates)
    rhs = np.bincount(reviewer, weights=y, minlength=n_reviewers) - design.T @ (
        inverse * y_candidate
    )
    if n_reviewers <= dense_limit:
        system = sp.diags(per_reviewer + ridge) - design.T @ (sp.diags(inverse) @ design)
        return scipy.linalg.solve(system.toarray(), rhs, assume_a="pos")
    effects = _conjugate_gradients(design, inverse, per_reviewer + ridge, rhs)
    if effects is None:  # did not converge: solve the assembled system directly
        system = sp.diags(per_reviewer + ridge) - design.T @ (sp.diags(inverse) @ design)
        effects = scipy.sparse.linalg.spsolve(system.tocsc(), rhs)
    return effects


def _design(
    candidate: np.ndarray, n_candidates: int, reviewer: np.ndarray, n_reviewers: int
) -> sp.csr_matrix:
    """N, the candidate × reviewer count matrix, in CSR; built directly (no COO sort) when the
    reviews are listed candidate by candidate."""
    ones = np.ones(candidate.size)
    if candidate.size < 2 or bool((candidate[1:] >= candidate[:-1]).all()):
        indptr = np.zeros(n_candidates + 1, dtype=np.int64)
        np.cumsum(np.bincount(candidate, minlength=n_candidates), out=indptr[1:])
        return sp.csr_matrix((ones, reviewer, indptr), shape=(n_candidates, n_reviewers))
    return sp.csr_matrix((ones, (candidate, reviewer)), shape=(n_candidates, n_reviewers))


def _conjugate_gradients(
    design: sp.csr_matrix, inverse: np.ndarray, diagonal: np.ndarray, rhs: np.ndarray
) -> np.ndarray | None:
    """Jacobi-preconditioned conjugate gradients on the reviewer system.

    The product (D_r + ridge·I − Nᵀ D_c⁻¹ N)·b is two sparse products with N, so the reviewer
    system is never assembled. The preconditioner uses Σ_c N_cr / n_c for the diagonal of
    Nᵀ D_c⁻¹ N (exact when nobody reviews a candidate twice, and positive in any case, which is
    all the method needs). Stops at ‖r‖ ≤ 1e-12·‖rhs‖; None when that takes over 10·n steps.
    """
    transposed = design.T  # CSC: its products add in the same order as a CSR copy would

    def product(b: np.ndarray) -> np.ndarray:
        per_candidate = design @ b
        per_candidate *= inverse
        return diagonal * b - transposed @ per_candidate

    jacobi = diagonal - transposed @ inverse
    n_reviewers = diagonal.size
    x = np.zeros(n_reviewers)
    residual = rhs.copy()
    z = residual / jacobi
    direction = z.copy()
    rz = residual @ z
    stop = _CG_RTOL * np.linalg.norm(rhs)
    step = np.empty(n_reviewers)  # work vector: the updates below allocate nothing
    for _ in range(10 * n_reviewers):
        if np.linalg.norm(residual) <= stop:
            return x
        q = product(direction)
        alpha = rz / (direction @ q)
        x += np.multiply(alpha, direction, out=step)
        residual -= np.multiply(alpha, q, out=step)
        np.divide(residual, jacobi, out=z)
        rz, previous = residual @ z, rz
        direction *= rz / previous  # z + β·direction, the same sum in the other order
        direction += z
    return None


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
