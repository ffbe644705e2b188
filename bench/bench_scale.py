"""Every page and API list at 100 and at 2,000 projects (a synthetic year made by zyperf.volume, through
the services), as finance and as 规划科 staff: the median time, the query count, the ratio to
GET /api/v1/me measured in the same run, and the peak traced memory of a worker serving the route
against the worker's memory after /api/v1/me (tracemalloc from interpreter start, in a fresh process).

The data is seeded to 100 projects, copied, then grown to 2,000; both databases are then served side
by side, each request on one taking turns with the same request on the other, so that a busy moment of
the machine falls on both sizes (and on /api/v1/me) alike.

Targets (issue 12), as finance at 2,000 projects: every route ≤ 8× /api/v1/me, ≤ 1.5× its own time at
100 projects, the same query count at both sizes, peak memory ≤ 1.2× the memory after /api/v1/me.
Run: python -m bench.bench_scale (BENCH_DATABASE_URL for PostgreSQL: it is emptied, and a copy named
<database>_small is made next to it and dropped at the end)."""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import tracemalloc

from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.engine import make_url

from bench.common import bench_app, make_app
from zyperf import volume
from zyperf.extensions import db
from zyperf.models import DocumentKind, Project, StageDocument, Unit, User

YEAR = volume.FIRST_YEAR
SIZES = (100, 2000)
USERS = ("finance", "guihua")
TARGETED = "finance"  # the targets are finance's; staff's rows are for reference (a staff list
# at 100 projects can be shorter than its page, so its growth compares unequal pages)
REPEAT = 31
ME = "/api/v1/me"
LIMITS = {"ratio": 8.0, "growth": 1.5, "memory": 1.2}


def routes(doc_id: int) -> list[tuple[str, str]]:
    return [
        ("home", "/admin/"),
        ("我的待办", "/worklist/"),
        ("document list", "/documents/"),
        ("催办", "/outstanding/"),
        ("project list", "/projects/"),
        ("document page", f"/documents/{doc_id}"),
        ("API projects", "/api/v1/projects"),
        ("API documents", "/api/v1/documents"),
        ("API documents, 200 a page", "/api/v1/documents?per_page=200"),
        ("API worklist", "/api/v1/worklist"),
        # Staff have a few documents waiting at 100 projects and a full page at 2,000: this row
        # compares equal pages.
        ("API worklist, 5 a page", "/api/v1/worklist?per_page=5"),
        ("API document", f"/api/v1/documents/{doc_id}"),
    ]


def grow(app, total: int) -> None:
    """Bring the synthetic year to `total` projects, committing in batches, as `flask seed volume`."""
    start = time.perf_counter()
    with app.app_context():
        have = db.session.scalar(select(func.count(Project.id)).where(Project.fiscal_year.has(year=YEAR)))
        run = volume.prepare(total - have, year=YEAR)
        db.session.commit()
        for i in range(total - have):
            volume.add_project(run, i)
            if (i + 1) % volume.BATCH == 0:
                db.session.commit()
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    print(f"seeded {total} projects in {time.perf_counter() - start:.0f} s", flush=True)


def copy_database(url: str) -> str:
    """A copy of the database as it stands: the file for SQLite, CREATE DATABASE … TEMPLATE for PostgreSQL."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        copy = parsed.database.replace(".sqlite", "-small.sqlite")
        shutil.copy(parsed.database, copy)
        return parsed.set(database=copy).render_as_string(hide_password=False)
    name = f"{parsed.database}_small"
    server = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{parsed.database}"'))
    server.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


def settle(url: str) -> None:
    """PostgreSQL: VACUUM ANALYZE, as autovacuum would have done after the seeding's updates, so that it
    does not start in the middle of a measurement. (SQLite keeps no dead rows, and is measured without
    statistics: the indexes are chosen to be used without them.)"""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        engine = create_engine(parsed, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("VACUUM ANALYZE"))
        engine.dispose()


def drop_database(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        server = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        server.dispose()


def sample_document(app) -> int:
    """The first 绩效目标 of the synthetic year in 规划科: both users see it, at both sizes."""
    with app.app_context():
        return db.session.scalar(
            select(StageDocument.id)
            .join(StageDocument.unit)
            .where(StageDocument.kind == DocumentKind.PERFORMANCE_TARGETS, Unit.code == "guihua")
            .where(StageDocument.fiscal_year.has(year=YEAR))
            .order_by(StageDocument.id)
            .limit(1)
        )


def logged_in(app, username: str):
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.username == username))
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = str(user_id), True
    return client


def medians_ms(clients: list, paths: list[str]) -> list[dict[str, float]]:
    """Per client, the median time of each path over REPEAT rounds; within a round every path is asked
    of every client in turn."""
    times = [{path: [] for path in paths} for _ in clients]
    for _ in range(REPEAT):
        for path in paths:
            for client, found in zip(clients, times, strict=True):
                start = time.perf_counter()
                response = client.get(path)
                found[path].append(time.perf_counter() - start)
                assert response.status_code == 200, (path, response.status_code)
    return [{path: statistics.median(t) * 1000 for path, t in found.items()} for found in times]


def queries(app, client, path: str) -> int:
    seen = []
    with app.app_context():
        engine = db.engine
    listener = lambda *args: seen.append(1)
    event.listen(engine, "before_cursor_execute", listener)
    try:
        client.get(path)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return len(seen)


def measure(apps: list, username: str, doc_id: int) -> list[dict]:
    """Per app (size): the baseline and {route: {ms, queries, ratio}} and the memory, for one user."""
    clients = [logged_in(app, username) for app in apps]
    available = [(name, path) for name, path in routes(doc_id) if clients[0].get(path).status_code == 200]
    for client in clients:  # warm: templates compiled, caches filled
        for _, path in [("me", ME), *available]:
            client.get(path)
    timings = medians_ms(clients, [ME, *(path for _, path in available)])
    results = []
    for app, client, ms in zip(apps, clients, timings, strict=True):
        rows = {
            name: {"ms": ms[path], "queries": queries(app, client, path), "ratio": ms[path] / ms[ME]}
            for name, path in available
        }
        results.append({"baseline": ms[ME], "routes": rows, "memory": memory(app, username, available)})
    return results


def memory(app, username: str, available: list[tuple[str, str]]) -> dict:
    """Peak traced memory per route against the memory after /api/v1/me, in a fresh worker process."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    paths = json.dumps([path for _, path in available])
    out = subprocess.run(  # noqa: S603 - this very script, with our own arguments
        [sys.executable, "-m", "bench.bench_scale", "--memory", url, username, paths],
        env={**os.environ, "PYTHONTRACEMALLOC": "1"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    peaks = json.loads(out.strip().splitlines()[-1])
    return {name: peaks[path] for name, path in available}


def worker_memory(url: str, username: str, paths: list[str]) -> None:
    """Run in the fresh process: after every route once (a warm worker), each route's peak over the
    memory after /api/v1/me. Prints JSON {path: {after_me_kb, peak_kb, ratio}}."""
    app = make_app(url)
    client = logged_in(app, username)
    for path in [ME, *paths]:
        client.get(path)
    found = {}
    for path in paths:
        client.get(ME)
        after_me = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        client.get(path)
        peak = tracemalloc.get_traced_memory()[1]
        found[path] = {"after_me_kb": after_me / 1024, "peak_kb": peak / 1024, "ratio": peak / after_me}
    print(json.dumps(found))


def verdict(ok: bool, username: str) -> str:
    if username != TARGETED:
        return "(reference)" if ok else "(reference: beyond)"
    return "met" if ok else "MISSED"


def report(results: dict[str, list[dict]], engine: str) -> None:
    small, large = SIZES
    for username, (a, b) in results.items():
        print(f"\n{engine} · as {username} · GET /api/v1/me {a['baseline']:.2f} ms at {small}, "
              f"{b['baseline']:.2f} ms at {large} projects")  # fmt: skip
        print(f"  {'route':<27}{'ms@' + str(small):>8}{'ms@' + str(large):>9}{'×me':>6}{'growth':>8}"
              f"{'queries':>10}{'mem×':>7}{'+KB':>6}  targets")  # fmt: skip
        for name, row in b["routes"].items():
            before = a["routes"][name]
            growth = row["ms"] / before["ms"]
            mem = b["memory"][name]
            ok = (
                row["ratio"] <= LIMITS["ratio"]
                and growth <= LIMITS["growth"]
                and row["queries"] == before["queries"]
                and mem["ratio"] <= LIMITS["memory"]
            )
            print(f"  {name:<27}{before['ms']:>8.2f}{row['ms']:>9.2f}{row['ratio']:>6.1f}{growth:>8.2f}"
                  f"{before['queries']:>5} → {row['queries']:<3}{mem['ratio']:>6.3f}"
                  f"{mem['peak_kb'] - mem['after_me_kb']:>6.0f}  {verdict(ok, username)}")  # fmt: skip
        worst = max(b["memory"].values(), key=lambda m: m["ratio"])
        print(f"  worker memory after /api/v1/me {worst['after_me_kb'] / 1024:.1f} MB; "
              f"highest peak {worst['peak_kb'] / 1024:.1f} MB")  # fmt: skip


def main() -> None:
    large = bench_app()
    engine = large.config["SQLALCHEMY_DATABASE_URI"].split(":")[0]
    grow(large, SIZES[0])
    small_url = copy_database(large.config["SQLALCHEMY_DATABASE_URI"])
    grow(large, SIZES[1])
    small = make_app(small_url)
    for url in (small_url, large.config["SQLALCHEMY_DATABASE_URI"]):
        settle(url)
    try:
        doc_id = sample_document(small)
        results = {username: measure([small, large], username, doc_id) for username in USERS}
    finally:
        for app in (small, large):
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
        drop_database(small_url)
    report(results, engine)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--memory", nargs=3, metavar=("URL", "USER", "PATHS"))
    args = parser.parse_args()
    if args.memory:
        worker_memory(args.memory[0], args.memory[1], json.loads(args.memory[2]))
    else:
        main()
