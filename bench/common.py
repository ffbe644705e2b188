"""What every benchmark needs: an app on a scratch database with the demo bureau, and a timer."""

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from zyperf import create_app
from zyperf.config import TestConfig
from zyperf.extensions import db
from zyperf.seeding import seed_demo


def make_app(url: str):
    """An app on `url` with the test configuration (cheap password hashes, no CSRF), not in testing mode."""
    config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    return create_app(config | {"SQLALCHEMY_DATABASE_URI": url, "TESTING": False})


def bench_app():
    """SQLite in a temp dir, or BENCH_DATABASE_URL (a scratch PostgreSQL database: it is emptied)."""
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite"
    app = make_app(url)
    with app.app_context():
        db.drop_all()
        db.create_all()
        seed_demo()
        db.session.commit()
    return app


def timed(fn, count: int) -> float:
    """Seconds per call over `count` calls."""
    start = time.perf_counter()
    for i in range(count):
        fn(i)
    return (time.perf_counter() - start) / count


def report(title: str, baseline_name: str, baseline: float, rows: list[tuple[str, float]]) -> None:
    print(f"\n{title}")
    print(f"  baseline {baseline_name}: {baseline * 1000:.2f} ms")
    for name, seconds in rows:
        print(f"  {name}: {seconds * 1000:.2f} ms  ({seconds / baseline:.1f}× baseline)")
