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

    def std(self, values: np.ndarray, mean: np.ndarray | None = None) -> np.ndarray:
        """Population standard deviation (ddof 0) per group, two-pass; NaN for an empty group.

        `mean`, when given, is `self.mean(values)`, already computed by the caller.
        """
        squares = values - (self.mean(values) if mean is None else mean)[self.codes]
        squares *= squares
        return np.sqrt(self.mean(squares))

    def median(self, values: np.ndarray) -> np.ndarray:
        """Median per group (see `group_median`)."""
        if self.uniform:  # the groups are the rows of a matrix: no gather
            return _row_medians(values.reshape(self.n_groups, self.uniform))
        return _sorted_median(self.sorted(values), self.counts, self.starts)


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


def _sorted_median(ordered: np.ndarray, counts: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Median per group of values sorted by group; `starts` and `counts` index every group."""
    out = np.full(counts.size, np.nan)
    if ordered.size == 0:
        return out
    for size in np.unique(counts[counts > 0]).tolist():
        members = np.flatnonzero(counts == size)
        out[members] = _row_medians(ordered[starts[members][:, None] + np.arange(size)])
    return out


def _row_medians(rows: np.ndarray) -> np.ndarray:
    """Median of each row (mean of the two middle values for an even count)."""
    if rows.shape[1] == 1:
        return rows[:, 0].astype(float)
    if rows.shape[1] == 3:  # the middle value, selected exactly (no arithmetic), without a sort
        a, b, c = rows[:, 0], rows[:, 1], rows[:, 2]
        return np.maximum(np.minimum(a, b), np.minimum(np.maximum(a, b), c)).astype(float)
    return np.median(rows, axis=1)


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
    deviation = total - mu_r[reviewer]
    deviation *= deviation
    squares = np.bincount(reviewer, weights=deviation, minlength=n_reviewers)
    sigma_r = np.sqrt(np.divide(squares, counts, out=np.zeros(n_reviewers), where=counts > 0))
    own = (counts >= 2) & (sigma_r > SIGMA_TOLERANCE)
    # μ + σ·(T − centre)/spread, with each reviewer's centre and spread (own or everyone's), is
    # T·scale + shift per reviewer: two lookups per review. Everyone's gives scale 1, shift 0.
    scale = sigma / np.where(own, sigma_r, sigma)
    shift = mu - np.where(own, mu_r, mu) * scale
    values = total * scale[reviewer]
    values += shift[reviewer]
    return values


def reviewer_effects(
    total: np.ndarray,
    candidate: np.ndarray,
    n_candidates: int,
    reviewer: np.ndarray,
    n_reviewers: int,
    ridge: float = DEFAULT_RIDGE,
    dense_limit: int = DENSE_LIMIT,
    groups: Groups | None = None,
) -> np.ndarray:
    """Reviewer effects b of T = μ + a_candidate + b_reviewer + noise, by ridge least squares.

    Minimises Σ (T − μ − a − b)² + ridge·Σ b²: candidate effects are free, reviewer effects are
    shrunk towards 0. The ridge makes the normal equations positive definite, so the fit exists
    when the review graph is not connected (an isolated group's reviewers average 0). Solved on the
    sparse design by eliminating the candidate effects (Schur complement on the reviewers),
    (D_r + ridge·I − Nᵀ D_c⁻¹ N) b = y_r − Nᵀ D_c⁻¹ y_c, N the candidate × reviewer count matrix.
    `groups`, when given, is `Groups(candidate, n_candidates)`, already built by the caller.
    """
    if not ridge > 0:
        raise ValueError("ridge must be > 0")
    if total.size == 0 or n_reviewers == 0:
        return np.zeros(n_reviewers)
    groups = groups or Groups(candidate, n_candidates)
    y = total - total.mean()
    per_candidate = groups.counts.astype(float)
    inverse = np.divide(1.0, per_candidate, out=np.zeros(n_candidates), where=per_candidate > 0)
    per_reviewer = np.bincount(reviewer, minlength=n_reviewers).astype(float)
    design = _design(groups, reviewer, n_reviewers)
    y_candidate = groups.sum(y)
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


def _design(groups: Groups, reviewer: np.ndarray, n_reviewers: int) -> sp.csr_matrix:
    """N, the candidate × reviewer count matrix, in CSR; built directly (no COO sort) when the
    reviews are listed candidate by candidate, with 32-bit indices that scipy takes as they are."""
    codes, n_candidates = groups.codes, groups.n_groups
    ones = np.ones(codes.size)
    if groups.order is None and codes.size < 2**31 and n_reviewers < 2**31:
        indptr = np.append(groups.starts, codes.size).astype(np.int32)
        columns = reviewer.astype(np.int32)
        return sp.csr_matrix((ones, columns, indptr), shape=(n_candidates, n_reviewers))
    return sp.csr_matrix((ones, (codes, reviewer)), shape=(n_candidates, n_reviewers))


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
    stop = (_CG_RTOL * np.linalg.norm(rhs)) ** 2  # on ‖r‖², a dot product (cheaper than norm)
    step = np.empty(n_reviewers)  # work vector: the updates below allocate nothing
    for _ in range(10 * n_reviewers):
        if residual @ residual <= stop:
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
    groups: Groups | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Per review T − b_reviewer, whose mean per candidate is μ + candidate effect; and b.

    `groups`, when given, is `Groups(candidate, n_candidates)`, already built by the caller.
    """
    effects = reviewer_effects(
        total, candidate, n_candidates, reviewer, n_reviewers, ridge, dense_limit, groups
    )
    return total - effects[reviewer], effects
