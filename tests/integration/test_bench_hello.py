"""The load benchmark's baseline endpoint exists only when REVIEWAPP_BENCH_HELLO asks for it."""

import pytest

from reviewapp import create_app

pytestmark = pytest.mark.integration


def bench_app(tmp_path, **config):
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "bench.sqlite"),
            **config,
        }
    )


def test_bench_hello_absent_by_default(tmp_path):
    app = bench_app(tmp_path)
    assert "bench_hello" not in app.view_functions
    assert app.test_client().get("/bench/hello").status_code == 404


def test_bench_hello_answers_when_enabled(tmp_path):
    response = bench_app(tmp_path, BENCH_HELLO=True).test_client().get("/bench/hello")
    assert (response.status_code, response.get_data(as_text=True)) == (200, "hello")
