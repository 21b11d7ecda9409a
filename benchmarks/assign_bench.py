"""Benchmark the optimal reviewer assignment against a random feasible one.

Synthetic committee: reviewers' expertise and candidates' CVs are drawn from a few topic
vocabularies, so TF-IDF affinity means something; about 2% of pairs are conflicts.

    .venv/bin/python benchmarks/assign_bench.py [--candidates 2000] [--reviewers 150] [--k 3]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from reviewapp.assignments.affinity import affinity_matrix
from reviewapp.assignments.solver import random_feasible_assignment, solve_assignment

TOPICS = {
    "optimisation": "gradient descent convex sharpness minimizer convergence stochastic adam "
    "momentum hessian curvature loss landscape saddle step size nonconvex",
    "language": "transformer language model token prompt attention pretraining decoder "
    "translation corpus instruction tuning syntax semantic parsing dialogue",
    "vision": "image convolution segmentation detection pixel camera diffusion generative "
    "video recognition augmentation resolution depth scene object",
    "theory": "theorem proof bound generalization sample complexity kernel approximation "
    "expressivity margin rademacher lemma asymptotic minimax lower upper",
    "systems": "distributed gpu kernel compiler throughput latency quantization memory "
    "scheduling cluster parallelism serving inference hardware cache",
    "reinforcement": "policy reward agent environment exploration bandit markov value "
    "planning trajectory simulator robot control actor critic",
    "statistics": "bayesian posterior prior inference sampling mcmc variational estimator "
    "causal regression hypothesis uncertainty calibration likelihood bootstrap",
    "biology": "protein genome sequence cell molecular drug folding gene expression "
    "single-cell clinical patient tissue pathway microscopy",
}
GENERIC_WORDS = (
    "research university paper conference journal student project experience results method "
    "analysis data experiments award thesis group department collaboration workshop"
)
GENERIC = GENERIC_WORDS.split()


def _text(rng: np.random.Generator, topics: list[str], n_words: int) -> str:
    vocab = [w for t in topics for w in TOPICS[t].split()]
    words = list(rng.choice(vocab, size=n_words)) + list(rng.choice(GENERIC, size=n_words // 3))
    return " ".join(words)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=2000)
    parser.add_argument("--reviewers", type=int, default=150)
    parser.add_argument("--k", type=int, default=3)
    parser.add_argument("--conflict-rate", type=float, default=0.02)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    names = list(TOPICS)
    reviewers = [
        _text(rng, list(rng.choice(names, size=rng.integers(1, 3), replace=False)), 80)
        for _ in range(args.reviewers)
    ]
    candidates = [_text(rng, [str(rng.choice(names))], 200) for _ in range(args.candidates)]
    mask = rng.random((args.candidates, args.reviewers)) < args.conflict_rate
    forbidden = {(int(c), int(r)) for c, r in zip(*np.nonzero(mask), strict=True)}

    start = time.perf_counter()
    affinity = affinity_matrix(reviewers, candidates)
    t_affinity = time.perf_counter() - start
    start = time.perf_counter()
    best = solve_assignment(
        args.candidates, args.reviewers, k=args.k, affinity=affinity, forbidden=forbidden
    )
    t_solve = time.perf_counter() - start
    baseline = random_feasible_assignment(
        args.candidates, args.reviewers, k=args.k, affinity=affinity, forbidden=forbidden
    )

    print(
        f"instance: {args.candidates} candidates x {args.reviewers} reviewers, k={args.k}, "
        f"{len(forbidden)} conflicts ({len(forbidden) / mask.size:.1%})"
    )
    print(f"affinity matrix: {t_affinity:.2f} s")
    print(f"optimal solve:   {t_solve:.2f} s  status={best.status}")
    for label, p in (("optimal", best), ("random", baseline)):
        print(
            f"{label:8s} mean affinity {p.mean_affinity:.4f}  pairs {len(p.pairs)}  "
            f"load min/max {min(p.loads)}/{max(p.loads)}  unassignable {len(p.unassignable)}"
        )
    used = sum(1 for pair in best.pairs if pair in forbidden)
    gain = best.mean_affinity / max(baseline.mean_affinity, 1e-12)
    print(f"optimal uses {used} forbidden pairs; mean affinity x{gain:.2f} over random")


if __name__ == "__main__":
    main()
