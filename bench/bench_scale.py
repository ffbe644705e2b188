"""Every page and API list at 100 and at 2,000 projects (a synthetic year made by zyperf.volume, through
the services), as finance and as 规划科 staff: the median time, the query count, the ratio to
GET /api/v1/me measured in the same run, and the peak traced memory of a worker serving the route
against the worker's memory after /api/v1/me (tracemalloc from interpreter start, in a fresh process).

Targets (issue 12), as finance at 2,000 projects: every route ≤ 8× /api/v1/me, ≤ 1.5× its own time at
100 projects, the same query count at both sizes, peak memory ≤ 1.2× the memory after /api/v1/me.
Run: python -m bench.bench_scale [--sizes 100,2000] (BENCH_DATABASE_URL for PostgreSQL: it is emptied)."""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import tracemalloc

from sqlalchemy import event, select

from bench.common import bench_app, make_app
from zyperf import volume
from zyperf.extensions import db
from zyperf.models import DocumentKind, Project, StageDocument, Unit, User

YEAR = volume.FIRST_YEAR
USERS = ("finance", "guihua")
REPEAT = 21
ME = "/api/v1/me"
LARGEST = "/api/v1/documents?per_page=200"
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
        ("API documents, 200 a page", LARGEST),
        ("API worklist", "/api/v1/worklist"),
        ("API document", f"/api/v1/documents/{doc_id}"),
    ]


def grow(app, total: int) -> None:
    """Bring the synthetic year to `total` projects, committing in batches."""
    with app.app_context():
        have = db.session.scalar(
            select(db.func.count(Project.id))
            .join(Project.fiscal_year)
            .where(Project.fiscal_year.has(year=YEAR))
        )
        if total <= have:
            return
        run = volume.prepare(total - have, year=YEAR)
        db.session.commit()
        for i in range(total - have):
            volume.add_project(run, i)
            if (i + 1) % volume.BATCH == 0:
                db.session.commit()
        db.session.commit()


def sample_document(app) -> int:
    """A final 绩效目标 of the synthetic year in 规划科: both users see it."""
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


def medians_ms(client, paths: list[str]) -> dict[str, float]:
    """Median time of each path over REPEAT rounds, the paths taking turns within a round, so that a
    busy moment of the machine falls on all of them alike (the ratios to /api/v1/me stay fair)."""
    times: dict[str, list[float]] = {path: [] for path in paths}
    for _ in range(REPEAT):
        for path in paths:
            start = time.perf_counter()
            response = client.get(path)
            times[path].append(time.perf_counter() - start)
            assert response.status_code == 200, (path, response.status_code)
    return {path: statistics.median(found) * 1000 for path, found in times.items()}


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


def measure(app, username: str, doc_id: int) -> dict:
    """{route: {ms, queries, ratio}} and the baseline, for one user on the data as it stands."""
    client = logged_in(app, username)
    available = [(name, path) for name, path in routes(doc_id) if client.get(path).status_code == 200]
    for _, path in available:  # warm: templates compiled, caches filled
        client.get(path)
    ms = medians_ms(client, [ME, *(path for _, path in available)])
    baseline = ms[ME]
    rows = {
        name: {"ms": ms[path], "queries": queries(app, client, path), "ratio": ms[path] / baseline}
        for name, path in available
    }
    return {"baseline": baseline, "routes": rows, "memory": memory(app, username, available)}


def memory(app, username: str, available: list[tuple[str, str]]) -> dict:
    """Peak traced memory per route against the memory after /api/v1/me, in a fresh worker process."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    paths = json.dumps([path for _, path in available])
    env = {**os.environ, "PYTHONTRACEMALLOC": "1"}
    out = subprocess.run(  # noqa: S603 - this very script, with our own arguments
        [sys.executable, "-m", "bench.bench_scale", "--memory", url, username, paths],
        env=env,
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


def report(results: dict[int, dict[str, dict]], engine: str) -> None:
    small, large = min(results), max(results)
    for username in USERS:
        a, b = results[small][username], results[large][username]
        print(f"\n{engine} · as {username} · baseline GET /api/v1/me: {a['baseline']:.2f} ms at {small}, "
              f"{b['baseline']:.2f} ms at {large} projects")  # fmt: skip
        print(f"  {'route':<28}{'ms@' + str(small):>9}{'ms@' + str(large):>10}{'×me':>7}{'growth':>8}"
              f"{'queries':>10}{'mem×':>7}{'+KB':>7}  target")  # fmt: skip
        for name, row in b["routes"].items():
            before = a["routes"].get(name)
            if before is None:
                continue
            growth = row["ms"] / before["ms"]
            mem = b["memory"][name]["ratio"]
            grew = b["memory"][name]["peak_kb"] - b["memory"][name]["after_me_kb"]
            ok = (
                row["ratio"] <= LIMITS["ratio"]
                and growth <= LIMITS["growth"]
                and row["queries"] == before["queries"]
                and mem <= LIMITS["memory"]
            )
            print(f"  {name:<28}{before['ms']:>9.2f}{row['ms']:>10.2f}{row['ratio']:>7.1f}{growth:>8.2f}"
                  f"{before['queries']:>5} → {row['queries']:<3}{mem:>7.3f}{grew:>7.0f}  {'ok' if ok else 'MISSED'}")  # fmt: skip
        worst = max(b["memory"].values(), key=lambda m: m["ratio"])
        print(f"  worker memory after /api/v1/me ≈ {worst['after_me_kb'] / 1024:.1f} MB; "
              f"largest peak {worst['peak_kb'] / 1024:.1f} MB")  # fmt: skip


def main(sizes=(100, 2000)) -> None:
    app = bench_app()
    engine = app.config["SQLALCHEMY_DATABASE_URI"].split(":")[0]
    results = {}
    for size in sizes:
        start = time.perf_counter()
        grow(app, size)
        print(f"seeded {size} projects ({engine}) in {time.perf_counter() - start:.0f} s", flush=True)
        doc_id = sample_document(app)
        results[size] = {username: measure(app, username, doc_id) for username in USERS}
    report(results, engine)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100,2000")
    parser.add_argument("--memory", nargs=3, metavar=("URL", "USER", "PATHS"))
    args = parser.parse_args()
    if args.memory:
        worker_memory(args.memory[0], args.memory[1], json.loads(args.memory[2]))
    else:
        main(tuple(int(s) for s in args.sizes.split(",")))
