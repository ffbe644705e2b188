"""List and document pages, against GET /healthz measured in the same run.

- the document list with 20 and with 400 documents (the page size caps the rows drawn; queries stay fixed);
- a targets document page with 2 and with 40 indicator rows.
Run: make bench"""

from sqlalchemy import select

from bench.common import bench_app, report, timed
from zyperf.extensions import db
from zyperf.models import Project, User
from zyperf.services import documents

COUNT = 50


def rows(n: int) -> list[dict]:
    pairs = [("产出指标", "数量指标"), ("效益指标", "社会效益指标")]
    return [
        {"level1": pairs[i % 2][0], "level2": pairs[i % 2][1], "level3": f"指标{i}", "nature": "≥",
         "value": "1", "unit": "个", "weight": str(90 / n)}
        for i in range(n)
    ]  # fmt: skip


def make_documents(staff, fy_id, n, prefix):
    for i in range(n):
        project = Project(name=f"{prefix}{i}", unit_id=staff.unit_id, fiscal_year_id=fy_id)
        db.session.add(project)
        db.session.flush()
        documents.create_document("performance_targets", actor=staff, project=project, data={})


def main() -> None:
    app = bench_app()
    with app.app_context():
        staff = db.session.scalar(select(User).where(User.username == "guihua"))
        fy_id = db.session.scalar(select(Project.fiscal_year_id).where(Project.unit_id == staff.unit_id))
        small = Project(name="两行指标项目", unit_id=staff.unit_id, fiscal_year_id=fy_id)
        large = Project(name="四十行指标项目", unit_id=staff.unit_id, fiscal_year_id=fy_id)
        db.session.add_all([small, large])
        db.session.flush()
        doc2 = documents.create_document(
            "performance_targets", actor=staff, project=small, data={"indicators": rows(2)}
        )
        doc40 = documents.create_document(
            "performance_targets", actor=staff, project=large, data={"indicators": rows(40)}
        )
        make_documents(staff, fy_id, 18, "少量")
        db.session.commit()
        ids, user_id = (doc2.id, doc40.id), staff.id
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = str(user_id), True

    def get(path):
        return lambda i: client.get(path).status_code == 200 or (_ for _ in ()).throw(AssertionError(path))

    timed(get("/healthz"), 10)
    baseline = timed(get("/healthz"), COUNT)
    list_small = timed(get("/documents/"), COUNT)
    page2 = timed(get(f"/documents/{ids[0]}"), COUNT)
    page40 = timed(get(f"/documents/{ids[1]}"), COUNT)
    edit40 = timed(get(f"/documents/{ids[1]}/edit"), COUNT)
    with app.app_context():
        staff = db.session.get(User, user_id)
        make_documents(staff, fy_id, 380, "大量")
        db.session.commit()
    list_large = timed(get("/documents/"), COUNT)
    report(
        "Pages (as 规划科 staff)",
        "GET /healthz",
        baseline,
        [
            ("document list, 20 documents", list_small),
            ("document list, 400 documents (50 a page)", list_large),
            ("targets page, 2 indicator rows", page2),
            ("targets page, 40 indicator rows", page40),
            ("targets edit form, 40 indicator rows", edit40),
        ],
    )


if __name__ == "__main__":
    main()
