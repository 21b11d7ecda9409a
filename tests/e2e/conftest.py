"""A real server and a real browser: Playwright driving Debian's Chromium."""

import shutil
import threading

import pytest
from werkzeug.serving import make_server

from reviewapp import create_app
from reviewapp.extensions import db
from tests.conftest import skip_or_fail

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    if shutil.which(CHROMIUM) is None:
        skip_or_fail(f"browser tests: Chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_app(tmp_path):
    app = create_app(
        test_config={
            "SECRET_KEY": "e2e-secret",
            "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "e2e.sqlite"),
            "JOBS_IMMEDIATE": True,
        }
    )
    with app.app_context():
        db.create_all()
    return app


@pytest.fixture
def live_server(live_app):
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
    yield page
    context.close()
    assert errors == [], f"browser console errors: {errors}"
