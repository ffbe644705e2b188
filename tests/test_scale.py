"""Every page and API list costs the same number of queries whatever the data (a synthetic year grown
through the services by zyperf.volume), answers a page at a time in {items, page, per_page, total},
caps per_page at 200, and pages without losing or repeating a row."""

import re

import pytest
from sqlalchemy import JSON, event, func, select

from tests.filling import complete_data
from zyperf import volume
from zyperf.extensions import db
from zyperf.models import DocumentKind, ListView, Project, StageDocument, Unit
from zyperf.permissions import scoped
from zyperf.services import documents, workflow


def grow(total: int) -> None:
    """The synthetic year brought to `total` projects, as `flask seed volume` makes them."""
    have = db.session.scalar(
        select(func.count(Project.id)).where(Project.fiscal_year.has(year=volume.FIRST_YEAR))
    )
    run = volume.prepare(total - have, year=volume.FIRST_YEAR)
    for i in range(total - have):
        volume.add_project(run, i)
    db.session.commit()


def waiting_for_both(bureau) -> None:
    """Something on both users' worklists at every size: a 规划科 draft (staff) and a 耕地保护科
    document approved up to finance."""
    draft_project, review_project = (  # the current year's: the demo's projects recur year on year
        db.session.scalar(
            select(Project).where(Project.name == name, Project.fiscal_year.has(is_current=True))
        )
        for name in ("村级国土空间规划编制", "耕地保护补偿资金")
    )
    documents.create_document("performance_targets", actor=bureau["guihua"], project=draft_project)
    staff = bureau["gengdi"]
    doc = documents.create_document(
        "performance_targets", actor=staff, project=review_project, data=complete_data("performance_targets")
    )
    for who, action in ((staff, "submit"), (bureau["gengdi_head"], "approve"), (bureau["deputy"], "approve")):
        workflow.apply(doc, action, actor=who, expected_version=doc.version)
    db.session.commit()


def targets_in(unit_code: str) -> int:
    return db.session.scalar(
        select(StageDocument.id)
        .join(StageDocument.unit)
        .where(Unit.code == unit_code, StageDocument.kind == DocumentKind.PERFORMANCE_TARGETS)
        .where(StageDocument.fiscal_year.has(year=volume.FIRST_YEAR))
        .order_by(StageDocument.id)
    )


ROUTES = {
    "home": "/admin/",
    "我的待办": "/worklist/",
    "document list": "/documents/",
    "催办": "/outstanding/",
    "project list": "/projects/",
    "document page": "/documents/{doc}",
    "API projects": "/api/v1/projects",
    "API documents": "/api/v1/documents",
    "API documents, 200 a page": "/api/v1/documents?per_page=200",
    "API worklist": "/api/v1/worklist",
    "API document": "/api/v1/documents/{doc}",
}


def queries(client, path: str) -> int:
    db.session.expire_all()
    seen = []
    listener = lambda *args: seen.append(1)
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        response = client.get(path)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert response.status_code == 200, (path, response.status_code)
    return len(seen)


@pytest.mark.parametrize("username", ["finance", "guihua"])
def test_query_counts_do_not_grow_with_the_data(client_for, bureau, username):
    client = client_for(bureau[username])
    routes = {k: v for k, v in ROUTES.items() if username == "finance" or k != "催办"}
    waiting_for_both(bureau)
    grow(3)
    doc = targets_in("guihua")
    small = {name: queries(client, path.format(doc=doc)) for name, path in routes.items()}
    before = client.get("/api/v1/documents").json["total"]
    grow(14)
    large = {name: queries(client, path.format(doc=doc)) for name, path in routes.items()}
    assert client.get("/api/v1/documents").json["total"] > before
    assert client.get("/api/v1/worklist").json["items"]
    assert large == small


def test_lists_answer_a_page_at_a_time(client_for, bureau):
    grow(12)
    client = client_for(bureau["finance"])
    total = db.session.scalar(select(func.count(StageDocument.id)))
    first = client.get("/api/v1/documents").json
    assert set(first) == {"items", "page", "per_page", "total"}
    assert (first["page"], first["per_page"], first["total"]) == (1, 50, total)
    assert len(first["items"]) == min(50, total) and "data" not in first["items"][0]
    capped = client.get("/api/v1/documents?per_page=500").json
    assert capped["per_page"] == 200 and len(capped["items"]) == min(200, total)
    past = client.get("/api/v1/documents?page=99").json
    assert past["items"] == [] and past["total"] == total and past["page"] == 99
    for bad in ("page=0", "per_page=0", "page=-1", "per_page=x"):
        refused = client.get(f"/api/v1/documents?{bad}")
        assert refused.status_code == 400 and refused.json["error"]["code"] == "bad_request", bad
    for path in ("/api/v1/projects", "/api/v1/worklist"):
        body = client.get(f"{path}?per_page=3").json
        assert set(body) == {"items", "page", "per_page", "total"} and body["per_page"] == 3
        assert len(body["items"]) == min(3, body["total"])


def walk(client, path: str, per_page: int) -> list[int]:
    ids, page = [], 1
    while True:
        body = client.get(f"{path}{'&' if '?' in path else '?'}per_page={per_page}&page={page}").json
        ids += [row["id"] for row in body["items"]]
        if page * per_page >= body["total"]:
            assert len(ids) == body["total"]
            return ids
        page += 1


@pytest.mark.parametrize("username", ["finance", "guihua"])
def test_paging_never_loses_or_repeats_a_row(client_for, bureau, username):
    grow(9)
    # Ties in every sort key: the same moment for all the synthetic year's documents.
    moment = db.session.scalar(select(func.min(StageDocument.updated_at)))
    for doc in db.session.scalars(select(StageDocument)):
        doc.updated_at = doc.state_changed_at = moment
    db.session.commit()
    client = client_for(bureau[username])
    for path, entity in (("/api/v1/documents", StageDocument), ("/api/v1/projects", Project)):
        ids = walk(client, path, 4)
        assert len(ids) == len(set(ids)), path
        assert ids == walk(client, path, 200), path
        assert set(ids) == {row.id for row in db.session.scalars(scoped(select(entity), bureau[username]))}
    documents = walk(client, "/api/v1/documents?kind=monitoring", 3)
    assert documents == sorted(documents)
    waiting = walk(client, "/api/v1/worklist", 2)
    assert len(waiting) == len(set(waiting))


def test_the_document_list_pages_in_its_index_order(client_for, bureau):
    grow(6)
    moment = db.session.scalar(select(func.min(StageDocument.updated_at)))
    for doc in db.session.scalars(select(StageDocument)):
        doc.updated_at = moment
    db.session.add(ListView(columns=["id", "project"], filters=[], search_fields=[],
                            default_sort="-updated_at", page_size=5))  # fmt: skip
    db.session.commit()
    client = client_for(bureau["finance"])
    total = db.session.scalar(select(func.count(StageDocument.id)))
    seen = []
    for page in range(1, -(-total // 5) + 1):
        html = client.get(f"/documents/?page={page}").get_data(as_text=True)
        table = html.split('id="documents"', 1)[1].split("</table>", 1)[0]
        seen += [int(i) for i in re.findall(r'href="/documents/(\d+)"', table)]
        assert f"共 {total} 条" in html
    assert seen == sorted(seen, reverse=True) and len(seen) == len(set(seen)) == total


def statements_of(client, paths) -> list[str]:
    statements = []
    listener = lambda conn, cursor, statement, *args: statements.append(statement)
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        for path in paths:
            db.session.expire_all()
            assert client.get(path).status_code == 200, path
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return [s for s in statements if "FROM stage_documents" in s]


JSON_COLUMNS = [c.name for c in StageDocument.__table__.columns if isinstance(c.type, JSON)]
# A key read out of the data in SQL (SQLite's JSON_EXTRACT, PostgreSQL's ->), not the whole column.
EXTRACTION = re.compile(
    r"JSON_EXTRACT\(stage_documents\.data, [^)]*\)|stage_documents\.data -> ", re.IGNORECASE
)


def test_lists_never_load_a_documents_json_columns(client_for, bureau):
    """data, the settings snapshot and the review are the document page's; no list loads them."""
    grow(4)
    assert "data" in JSON_COLUMNS
    paths = ("/documents/", "/worklist/", "/api/v1/documents", "/api/v1/worklist")
    reading = statements_of(client_for(bureau["finance"]), paths)
    # A unit's 工作台 (its worklist, its projects by stage); finance's is the next test's.
    reading += statements_of(client_for(bureau["guihua"]), ("/admin/?year=2099",))
    assert reading
    assert not [s for s in reading for c in JSON_COLUMNS if f"stage_documents.{c}" in s]


def test_the_workbench_chart_reads_only_what_it_draws(client_for, bureau):
    """Finance's 工作台 computes each monitoring's 执行率 from its fund table, read out of the data in
    SQL: never the indicator tables of a whole year. (The grades of the last evaluation come from the
    final self-evaluations' own figures, as the results ledger computes them.)"""
    grow(4)
    reading = statements_of(client_for(bureau["finance"]), ("/admin/?year=2099",))
    monitoring = [s for s in reading if "JSON_EXTRACT" in s.upper() or "stage_documents.data ->" in s]
    assert monitoring
    assert not [s for s in monitoring if "stage_documents.data" in EXTRACTION.sub("", s)]


def test_a_documents_history_costs_the_same_however_many_people_acted(client_for, bureau):
    staff = bureau["guihua"]
    project = db.session.scalar(select(Project).where(Project.name.like("国土空间规划“一张图”%")))
    doc = documents.create_document(
        "performance_targets", actor=staff, project=project, data=complete_data("performance_targets")
    )
    db.session.commit()
    client = client_for(bureau["finance"])
    paths = (f"/documents/{doc.id}", f"/api/v1/documents/{doc.id}")
    alone = [queries(client, path) for path in paths]
    for who, action in ((staff, "submit"), (bureau["guihua_head"], "approve"), (bureau["deputy"], "approve")):
        doc = db.session.get(StageDocument, doc.id)
        workflow.apply(doc, action, actor=who, expected_version=doc.version)
        db.session.commit()
    assert len({e.actor_id for e in db.session.get(StageDocument, doc.id).events}) == 3
    assert [queries(client, path) for path in paths] == alone
