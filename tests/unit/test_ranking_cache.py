"""The per-process ranking cache: LRU and single flight."""

import threading
import time

import pytest

from reviewapp.ranking.page import RankingCache


def test_ranking_cache_computes_a_key_once_for_concurrent_callers():
    cache, calls, results = RankingCache(), [], []

    def slow():
        calls.append(1)
        time.sleep(0.2)
        return "ranking"

    threads = [
        threading.Thread(target=lambda: results.append(cache.get_or_compute("k", slow)))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert (calls, results) == ([1], ["ranking"] * 4)


def test_ranking_cache_waiter_takes_over_when_the_computation_fails():
    cache, started = RankingCache(), threading.Event()
    outcomes = []

    def failing():
        started.set()
        time.sleep(0.1)
        raise RuntimeError("boom")

    def first():
        try:
            cache.get_or_compute("k", failing)
        except RuntimeError as exc:
            outcomes.append(str(exc))

    thread = threading.Thread(target=first)
    thread.start()
    started.wait()
    outcomes.append(cache.get_or_compute("k", lambda: "second"))
    thread.join()
    assert sorted(outcomes) == ["boom", "second"]
    assert cache.get_or_compute("k", lambda: pytest.fail("cached")) == "second"


def test_ranking_cache_evicts_the_least_recently_used():
    cache = RankingCache(size=2)
    for key in ("a", "b"):
        cache.get_or_compute(key, lambda key=key: key.upper())
    cache.get_or_compute("a", lambda: pytest.fail("a is cached"))
    cache.get_or_compute("c", lambda: "C")
    assert cache.get_or_compute("b", lambda: "recomputed") == "recomputed"
    assert cache.get_or_compute("a", lambda: "recomputed") == "recomputed"  # evicted by b


def test_cache_serves_a_recent_entry_of_the_same_family_within_max_age(monkeypatch):
    clock = [100.0]
    monkeypatch.setattr("reviewapp.ranking.page.time.monotonic", lambda: clock[0])
    cache = RankingCache()
    assert cache.get_or_compute(("v1", "mean"), lambda: "one", family="f", max_age=30) == "one"
    clock[0] += 29
    got = cache.get_or_compute(("v2", "mean"), lambda: pytest.fail("fresh"), family="f", max_age=30)
    assert got == "one"
    assert cache.get_or_compute(("v2", "mean"), lambda: "two", family="g", max_age=30) == "two"
    clock[0] += 2  # "one" is now 31 s old
    assert cache.get_or_compute(("v3", "mean"), lambda: "three", family="f", max_age=30) == "three"


def test_cache_without_max_age_never_serves_another_key():
    cache = RankingCache()
    cache.get_or_compute("v1", lambda: "one", family="f", max_age=0)
    assert cache.get_or_compute("v2", lambda: "two", family="f") == "two"
