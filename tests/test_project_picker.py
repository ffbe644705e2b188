"""The document list's "new document" picker searches this year's own-unit projects as one types (a
small JSON endpoint and a static script); without JavaScript the typed name or code is resolved."""

from sqlalchemy import select

from zyperf.extensions import db
from zyperf.models import FiscalYear, Project, StageDocument, Unit
from zyperf.services import projects as project_service


def own_projects(user, year=2026):
    return db.session.scalars(
        select(Project)
        .join(Project.fiscal_year)
        .where(Project.unit_id == user.unit_id, FiscalYear.year == year)
        .order_by(Project.name)
    ).all()


def test_the_list_page_offers_a_search_not_a_list(client_for, bureau):
    staff = client_for(bureau["guihua"])
    html = staff.get("/documents/").get_data(as_text=True)
    form = html.split('id="new-document"', 1)[1].split("</form>", 1)[0]
    assert 'id="new-document-project"' in form and "<datalist" in form
    assert '<option value="' not in form.split("<datalist", 1)[1].split("</datalist>", 1)[0]
    assert all(p.name not in form for p in own_projects(bureau["guihua"]))
    assert '<script src="/static/js/project-picker.js" defer></script>' in html
    with staff.get("/static/js/project-picker.js") as script:
        assert script.status_code == 200 and "new-document-project" in script.get_data(as_text=True)
    # Finance starts no project documents: no picker, and its search answers nothing.
    finance = client_for(bureau["finance"])
    assert 'id="new-document"' not in finance.get("/documents/").get_data(as_text=True)
    assert finance.get("/documents/projects.json").json == {"items": []}


def test_search_is_scoped_to_this_years_own_projects_and_limited(client_for, bureau):
    staff = bureau["guihua"]
    mine = own_projects(staff)
    found = client_for(staff).get("/documents/projects.json").json["items"]
    assert [p["id"] for p in found] == [p.id for p in mine]
    assert found[0]["label"] == mine[0].display_name
    target = mine[-1]
    hit = client_for(staff).get(f"/documents/projects.json?q={target.name[2:6]}").json["items"]
    assert target.id in [p["id"] for p in hit] and all(p["id"] in {m.id for m in mine} for p in hit)
    # Another unit's project, and last year's own, are never offered, whatever is typed.
    other = own_projects(bureau["gengdi"])[0]
    assert client_for(staff).get(f"/documents/projects.json?q={other.name}").json["items"] == []
    for i in range(project_service.PICKER_LIMIT + 5):
        db.session.add(
            Project(name=f"批量检索项目{i:02d}", unit_id=staff.unit_id, fiscal_year_id=mine[0].fiscal_year_id)
        )
    db.session.commit()
    many = client_for(staff).get("/documents/projects.json?q=批量检索").json["items"]
    assert len(many) == project_service.PICKER_LIMIT
    assert client_for(staff).get("/documents/projects.json?q=%25").json["items"] == []  # LIKE escaped


def test_without_javascript_the_typed_name_or_code_is_resolved(client_for, bureau):
    staff = client_for(bureau["guihua"])
    coded = next(p for p in own_projects(bureau["guihua"]) if p.code)
    created = staff.post("/documents/new", data={"project": coded.code, "kind": "performance_targets"})
    assert created.status_code == 303
    db.session.rollback()
    doc = db.session.scalar(select(StageDocument).where(StageDocument.project_id == coded.id))
    assert doc.kind == "performance_targets" and created.headers["Location"].endswith(
        f"/documents/{doc.id}/edit"
    )
    unique = next(p for p in own_projects(bureau["guihua"]) if "一张图" in p.name)
    assert (
        staff.post("/documents/new", data={"project": "一张图", "kind": "performance_targets"}).status_code
        == 303
    )
    db.session.rollback()
    assert db.session.scalar(select(StageDocument.id).where(StageDocument.project_id == unique.id))
    ambiguous = staff.post("/documents/new", data={"project": "规划", "kind": "self_evaluation"})
    assert ambiguous.status_code == 422 and "有多个项目" in ambiguous.get_data(as_text=True)
    missing = staff.post("/documents/new", data={"project": "不存在的项目", "kind": "monitoring"})
    assert missing.status_code == 422 and "没有名称或编码含「不存在的项目」" in missing.get_data(as_text=True)
    # Another unit's project by id is a 404, as before.
    other = own_projects(bureau["gengdi"])[0]
    assert (
        staff.post("/documents/new", data={"project_id": other.id, "kind": "monitoring"}).status_code == 404
    )
    unit = db.session.scalar(select(Unit).where(Unit.code == "guihua"))
    assert (
        db.session.scalar(select(db.func.count(StageDocument.id)).where(StageDocument.unit_id != unit.id))
        == 0
    )
