"""Transitions per second through the API, against a baseline request that only reads one row
(GET /api/v1/me: the same bearer-token authentication, one user row). Run: make bench"""

from sqlalchemy import select

from bench.common import bench_app, report, timed
from tests.filling import complete_data
from zyperf.extensions import db
from zyperf.models import Project, User
from zyperf.services import documents
from zyperf.services.accounts import create_token

COUNT = 200


def main() -> None:
    app = bench_app()
    with app.app_context():
        users = {u.username: u for u in db.session.scalars(select(User))}
        staff = users["guihua"]
        fy_id = db.session.scalar(select(Project.fiscal_year_id).where(Project.unit_id == staff.unit_id))
        data = complete_data("performance_targets")
        ids = []
        for i in range(COUNT):
            project = Project(name=f"压测项目{i}", unit_id=staff.unit_id, fiscal_year_id=fy_id)
            db.session.add(project)
            db.session.flush()
            ids.append(
                documents.create_document("performance_targets", actor=staff, project=project, data=data).id
            )
        headers = {"Authorization": f"Bearer {create_token(staff, actor=staff)}"}
        db.session.commit()
    client = app.test_client()

    def read(i):
        assert client.get("/api/v1/me", headers=headers).status_code == 200

    def submit(i):
        response = client.post(
            f"/api/v1/documents/{ids[i]}/transitions",
            json={"action": "submit", "version": 1},
            headers=headers,
        )
        assert response.status_code == 200, response.json

    timed(read, 20)  # warm up
    baseline = timed(read, COUNT)
    transition = timed(submit, COUNT)
    report(
        f"Workflow transitions through the API ({COUNT} documents, {app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]})",
        "GET /api/v1/me",
        baseline,
        [("POST /documents/<id>/transitions (submit, with completeness guard)", transition)],
    )
    print(f"  transitions per second: {1 / transition:.0f}")


if __name__ == "__main__":
    main()
