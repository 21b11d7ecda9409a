"""Run reviewapp under gunicorn from Python, so `reviewapp serve` needs no extra config file."""

from gunicorn.app.base import BaseApplication

from reviewapp import create_app


class _Server(BaseApplication):
    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return create_app()


def run_gunicorn(*, host: str, port: int, workers: int) -> None:
    print(f"reviewapp is serving on http://{host}:{port}/ (Ctrl-C to stop)", flush=True)
    _Server(
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "threads": 4,
            "worker_class": "gthread",
            "timeout": 120,
            # reviewapp logs each request itself (reqlog.py), without paths that hold tokens.
            "accesslog": None,
            "preload_app": False,
        }
    ).run()
