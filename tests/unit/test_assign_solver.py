"""Reviewer assignment: TF-IDF affinity and the optimal b-matching solver."""

import itertools
import math

import numpy as np
import pytest

from reviewapp.assignments.affinity import affinity_matrix
from reviewapp.assignments.solver import (
    Unassignable,
    random_feasible_assignment,
    solve_assignment,
)

pytestmark = pytest.mark.unit


def greedy_total(affinity: np.ndarray, k: int, max_load: int) -> float:
    """Best-pair-first greedy, the approach the solver must beat."""
    loads = np.zeros(affinity.shape[1], dtype=int)
    counts = np.zeros(affinity.shape[0], dtype=int)
    total = 0.0
    for flat in np.argsort(-affinity, axis=None, kind="stable"):
        c, r = np.unravel_index(flat, affinity.shape)
        if counts[c] < k and loads[r] < max_load:
            counts[c] += 1
            loads[r] += 1
            total += affinity[c, r]
    return total


def brute_force_best(affinity: np.ndarray, k: int, max_load: int) -> float:
    n, n_rev = affinity.shape
    choices = list(itertools.combinations(range(n_rev), k))
    best = -1.0
    for combo in itertools.product(choices, repeat=n):
        loads = np.bincount([r for rs in combo for r in rs], minlength=n_rev)
        if loads.max() <= max_load:
            best = max(best, sum(affinity[c, r] for c, rs in enumerate(combo) for r in rs))
    return best


def test_solver_beats_greedy_on_hand_checked_instance():
    affinity = np.array([[0.9, 0.8], [0.85, 0.1]])
    proposal = solve_assignment(2, 2, k=1, affinity=affinity)
    assert proposal.pairs == [(0, 1), (1, 0)]
    assert proposal.mean_affinity == pytest.approx(0.825)
    assert greedy_total(affinity, k=1, max_load=1) == pytest.approx(1.0)


def test_solver_k2_instance_where_greedy_fails():
    affinity = np.array([[0.9, 0.9, 0.0], [0.9, 0.8, 0.7], [0.1, 0.8, 0.1]])
    proposal = solve_assignment(3, 3, k=2, affinity=affinity)
    assert proposal.pairs == [(0, 0), (0, 1), (1, 0), (1, 2), (2, 1), (2, 2)]
    assert sum(proposal.affinity.values()) == pytest.approx(4.3)
    # Greedy takes (1, 1) early, then candidate 2 finds reviewer 1 full: 3.6 and a missing slot.
    assert greedy_total(affinity, k=2, max_load=2) == pytest.approx(3.6)


def test_solver_matches_brute_force_on_random_small_instances():
    rng = np.random.default_rng(3)
    for _ in range(5):
        affinity = rng.random((4, 4)).round(3)
        proposal = solve_assignment(4, 4, k=2, affinity=affinity)
        assert sum(proposal.affinity.values()) == pytest.approx(brute_force_best(affinity, 2, 2))


def test_solver_never_uses_forbidden_pairs_and_gives_k_distinct_reviewers():
    rng = np.random.default_rng(1)
    affinity = rng.random((30, 8))
    forbidden = {(c, r) for c in range(30) for r in range(8) if rng.random() < 0.2}
    proposal = solve_assignment(30, 8, k=3, affinity=affinity, forbidden=forbidden)
    assert proposal.is_complete
    assert not set(proposal.pairs) & forbidden
    per_candidate = {c: [r for cc, r in proposal.pairs if cc == c] for c in range(30)}
    assert all(len(rs) == 3 == len(set(rs)) for rs in per_candidate.values())
    assert (min(proposal.loads), max(proposal.loads)) == (11, 12)
    assert max(proposal.loads) <= math.ceil(30 * 3 / 8)


def test_solver_keeps_fixed_pairs_and_counts_them():
    affinity = np.array([[0.0, 1.0, 0.5], [1.0, 0.0, 0.5]])
    proposal = solve_assignment(2, 3, k=2, affinity=affinity, fixed={(0, 0)})
    assert proposal.pairs == [(0, 0), (0, 1), (1, 0), (1, 2)]
    assert proposal.loads == [2, 1, 1]


def test_solver_keeps_a_fixed_pair_even_if_forbidden():
    proposal = solve_assignment(1, 2, k=1, fixed={(0, 1)}, forbidden={(0, 1)})
    assert proposal.pairs == [(0, 1)]


def test_solver_respects_max_load_and_capacity_overrides():
    affinity = np.tile([1.0, 0.5, 0.1], (6, 1))
    proposal = solve_assignment(6, 3, k=1, affinity=affinity, capacity={0: 1})
    assert proposal.loads == [1, 3, 2]
    assert proposal.status == "balanced"
    capped = solve_assignment(6, 3, k=1, affinity=affinity, max_load=4, balance=False)
    assert capped.loads == [4, 2, 0]


def test_solver_balances_loads_before_affinity():
    affinity = np.tile([1.0, 0.0], (4, 1))
    proposal = solve_assignment(4, 2, k=1, affinity=affinity, max_load=4)
    assert proposal.loads == [2, 2]


def test_solver_relaxes_balance_when_conflicts_require_it():
    forbidden = {(0, 0), (1, 0), (2, 0)}
    proposal = solve_assignment(4, 2, k=1, forbidden=forbidden, max_load=3)
    assert proposal.status == "unbalanced"
    assert proposal.pairs == [(0, 1), (1, 1), (2, 1), (3, 0)]


def test_solver_reports_infeasible_candidates_clearly():
    proposal = solve_assignment(3, 2, k=2, forbidden={(0, 0)})
    assert proposal.status == "partial"
    assert proposal.unassignable == [
        Unassignable(0, 1, 1, "only 1 reviewers without a conflict (k=2)")
    ]
    assert len(proposal.pairs) == 5


def test_solver_reports_load_limit_as_the_reason():
    affinity = np.ones((4, 2))
    affinity[2, 1] = 0.0
    forbidden = {(0, 0), (1, 0), (2, 0)}
    proposal = solve_assignment(4, 2, k=1, affinity=affinity, forbidden=forbidden)
    assert proposal.unassignable == [
        Unassignable(2, 0, 1, "the reviewers who could take this candidate are at their load limit")
    ]
    assert proposal.loads == [1, 2]


def test_solver_partial_solution_still_maximises_affinity():
    affinity = np.array([[0.2, 0.9], [0.3, 0.1], [0.9, 0.4]])
    proposal = solve_assignment(3, 2, k=1, affinity=affinity, max_load=1)
    assert proposal.pairs == [(0, 1), (2, 0)]
    assert [u.candidate for u in proposal.unassignable] == [1]


def test_solver_without_affinity_gives_balanced_assignment():
    proposal = solve_assignment(7, 3, k=2)
    assert proposal.is_complete
    assert proposal.load_spread <= 1
    assert sorted(proposal.loads) == [4, 5, 5]
    assert proposal.mean_affinity == 0.0


def test_solver_with_no_reviewers_reports_everyone():
    proposal = solve_assignment(2, 0, k=1)
    assert proposal.pairs == []
    assert proposal.unassignable == [
        Unassignable(0, 0, 1, "only 0 reviewers without a conflict (k=1)"),
        Unassignable(1, 0, 1, "only 0 reviewers without a conflict (k=1)"),
    ]
    assert solve_assignment(0, 3, k=2).pairs == []


def test_solver_rejects_affinity_of_wrong_shape():
    with pytest.raises(ValueError, match=r"expected \(2, 3\)"):
        solve_assignment(2, 3, k=1, affinity=np.zeros((3, 2)))


def test_random_feasible_assignment_obeys_rules():
    forbidden = {(0, 0), (5, 2)}
    proposal = random_feasible_assignment(10, 4, k=2, forbidden=forbidden, seed=2)
    assert proposal.is_complete
    assert not set(proposal.pairs) & forbidden
    assert max(proposal.loads) <= 5
    assert proposal.status == "random"


def test_affinity_matrix_prefers_matching_topics():
    reviewers = ["protein folding genome sequence", "convex optimisation gradient descent"]
    candidates = ["Gradient descent for convex problems", "Genome sequence and protein design"]
    affinity = affinity_matrix(reviewers, candidates)
    assert affinity.shape == (2, 2)
    assert affinity[0, 1] > affinity[0, 0]
    assert affinity[1, 0] > affinity[1, 1]
    assert ((affinity >= 0) & (affinity <= 1)).all()


def test_affinity_matrix_folds_diacritics_and_drops_stop_words():
    affinity = affinity_matrix(["Régression bayésienne"], ["regression bayesienne et der die"])
    assert affinity[0, 0] == pytest.approx(1.0)


def test_affinity_matrix_missing_texts_give_zeros():
    assert affinity_matrix(["", ""], ["text about things"]).tolist() == [[0.0, 0.0]]
    assert affinity_matrix(["the and of"], ["the of"]).tolist() == [[0.0]]
    assert affinity_matrix(["protein"], ["", "protein"]).tolist() == [[0.0], [1.0]]
