"""The installed `reviewapp` command, as an admin runs it: upgrade, then serve with gunicorn."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration
REVIEWAPP = str(Path(sys.executable).with_name("reviewapp"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_db_upgrade_then_serve_with_gunicorn(tmp_path):
    env = {
        **os.environ,
        "REVIEWAPP_INSTANCE_PATH": str(tmp_path / "instance"),
        "REVIEWAPP_DATABASE_URL": f"sqlite:///{tmp_path / 'served.sqlite'}",
        "PORT": str(_free_port()),
    }
    upgrade = subprocess.run(
        [REVIEWAPP, "db", "upgrade"], env=env, capture_output=True, text=True, timeout=60
    )
    assert upgrade.returncode == 0, upgrade.stderr
    assert (tmp_path / "served.sqlite").exists()
    assert (tmp_path / "instance" / "secret_key").stat().st_mode & 0o777 == 0o600
    server = subprocess.Popen(
        [REVIEWAPP, "serve", "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{env['PORT']}/login"
        for _ in range(100):
            try:
                with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310
                    body = response.read().decode()
                    headers = response.headers
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("the server did not answer within 10 s")
        assert '<h1 class="h3 mb-3">Log in</h1>' in body
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert "gunicorn" in headers.get("Server", "")
    finally:
        server.terminate()
        server.wait(timeout=10)
