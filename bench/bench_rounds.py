"""Opening the monitoring round for many library projects, per project, against creating one monitoring
document through the API (POST /api/v1/documents, the same prefill one at a time).
Run: python -m bench.bench_rounds [PROJECTS] (default 2000; BENCH_DATABASE_URL for PostgreSQL)."""

import sys
import time

from sqlalchemy import select

from bench.common import bench_app, report
from tests.filling import complete_data
from zyperf.extensions import db
from zyperf.models import FiscalYear, Project, User
from zyperf.services import documents, rounds, workflow
from zyperf.services.accounts import create_token

BY_API = 50  # projects whose monitoring document is created one by one through the API first
CHAIN = {"guihua": ("guihua_head", "deputy", "finance"), "gengdi": ("gengdi_head", "deputy", "finance")}


def library(count: int, users: dict[str, User], fiscal_year: FiscalYear) -> None:
    """`count` projects of 规划科 and 耕地保护科, each with final targets (in the library), made through
    the services as people make them; committed every 100."""
    data = complete_data("performance_targets")
    for i in range(count):
        code = "guihua" if i % 2 else "gengdi"
        staff = users[code]
        project = Project(
            name=f"压测入库项目{i:05d}",
            unit_id=staff.unit_id,
            fiscal_year_id=fiscal_year.id,
            fiscal_amount=100,
        )
        project.total_amount = project.fiscal_amount
        db.session.add(project)
        db.session.flush()
        targets = documents.create_document("performance_targets", actor=staff, project=project, data=data)
        workflow.apply(targets, "submit", actor=staff, expected_version=targets.version)
        for name in CHAIN[code]:
            workflow.apply(targets, "approve", actor=users[name], expected_version=targets.version)
        if i % 100 == 99:
            db.session.commit()
    db.session.commit()


def main(count: int = 2000) -> None:
    app = bench_app()
    with app.app_context():
        users = {u.username: u for u in db.session.scalars(select(User))}
        fiscal_year = db.session.scalar(select(FiscalYear).where(FiscalYear.year == 2026))
        started = time.perf_counter()
        library(count, users, fiscal_year)
        print(f"set-up: {count} library projects in {time.perf_counter() - started:.0f} s")
        ids = db.session.scalars(
            select(Project.id).where(
                Project.name.like("压测入库项目%"), Project.unit_id == users["guihua"].unit_id
            )
        ).all()[:BY_API]
        headers = {"Authorization": f"Bearer {create_token(users['guihua'], actor=users['guihua'])}"}
        db.session.commit()
    client = app.test_client()
    started = time.perf_counter()
    for project_id in ids:
        answer = client.post(
            "/api/v1/documents", json={"project_id": project_id, "kind": "monitoring"}, headers=headers
        )
        assert answer.status_code == 201, answer.json
    one = (time.perf_counter() - started) / len(ids)
    with app.app_context():
        fiscal_year = db.session.scalar(select(FiscalYear).where(FiscalYear.year == 2026))
        finance = db.session.scalar(select(User).where(User.username == "finance"))
        started = time.perf_counter()
        opened = rounds.open_round(fiscal_year, "monitoring", actor=finance)
        db.session.commit()
        total = time.perf_counter() - started
    database = app.config["SQLALCHEMY_DATABASE_URI"].split(":")[0]
    report(
        f"Opening the monitoring round ({opened.created} documents made, {opened.existing} there, {database})",
        "POST /api/v1/documents (one monitoring document)",
        one,
        [("rounds.open_round, per document made", total / max(opened.created, 1))],
    )
    print(
        f"  the whole round: {total:.2f} s; one document through the API costs {one * opened.created / total:.0f}× more"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
