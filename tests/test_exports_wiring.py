"""Where people get workbooks, always through the scope check: the lists, combined and zipped
workbooks of a volume year; the buttons of the project, document and document-list pages and
finance's 导出报表 page; the command line; the project archive. Out of scope is 404, admins get
nothing, and a unit's export costs the same queries however many projects it holds."""

import hashlib
import io
import json
import zipfile

import pytest
from sqlalchemy import event, func, select

from tests import export_cases as cases
from tests.exports_check import assert_layout, custom_properties, load
from tests.test_workflow_api import bearer
from zyperf import volume
from zyperf.exports import lists
from zyperf.extensions import db
from zyperf.models import Project
from zyperf.services import reviews, workflow

YEAR = volume.FIRST_YEAR
BUREAU = "资阳市自然资源和规划局"


def grow(count: int) -> None:
    """`count` more projects in the volume year, each through targets, monitoring and self-evaluation."""
    run = volume.prepare(count, year=YEAR)
    for i in range(count):
        volume.add_project(run, i)
    db.session.commit()


@pytest.fixture
def volume_year(bureau):
    grow(10)


def api(client, user, kind, **params):
    return client.get(f"/api/v1/exports/{kind}", query_string=params, headers=bearer(user))


def member(archive: zipfile.ZipFile, name: str):
    return load(io.BytesIO(archive.read(name)))


def test_list_workbooks_of_a_unit_and_of_the_bureau(client, bureau, volume_year):
    finance = bureau["finance"]
    for kind, table, sheet in (
        ("targets_summary", "项目支出绩效目标汇总表", "绩效目标汇总表"),
        ("monitoring_summary", "项目支出绩效监控汇总表（1-8月）", "绩效监控汇总表"),
        ("self_evaluation_summary", "项目支出绩效自评汇总表", "绩效自评汇总表"),
    ):
        response = api(client, finance, kind, year=YEAR)
        assert cases.download_name(response).startswith(f"{YEAR}年度{table}-{BUREAU}-")
        wb = cases.workbook(response)
        assert wb.sheetnames == [sheet] and custom_properties(wb)["zyperf_kind"] == kind
        ws = wb.active
        assert_layout(ws, lists.layout(kind, fiscal_year=YEAR, bureau=BUREAU, count=10))
        assert [ws[f"A{r}"].value for r in range(4, 15)] == [*range(1, 11), "合计"]
        mine = api(client, finance, kind, year=YEAR, unit="guihua")
        assert cases.download_name(mine).startswith(f"{YEAR}年度{table}-规划科-")
        rows = cases.workbook(mine).active
        assert {rows[f"B{r}"].value for r in range(4, rows.max_row)} == {"规划科"}
    ws = cases.workbook(api(client, finance, "monitoring_summary", year=YEAR)).active
    for r in range(4, 14):
        assert ws[f"K{r}"].value in ("正常", "滞后", "严重滞后")
        assert (ws[f"O{r}"].value is None) == (ws[f"K{r}"].value == "正常")  # 处置措施 only for a lag
    ws = cases.workbook(api(client, finance, "self_evaluation_summary", year=YEAR)).active
    assert {ws[f"K{r}"].value for r in range(4, 14)} <= {"优", "良", "中", "差"}
    assert ws["E14"].value == pytest.approx(sum(ws[f"E{r}"].value for r in range(4, 14)))


def test_l4_says_a_score_was_judged_and_l5_l6_are_the_ledgers(client, bureau):
    doc = cases.e2_self_evaluation(bureau)
    workflow.apply(doc, "submit", actor=bureau["guihua"], expected_version=doc.version)
    reviews.adjust_score(
        doc, "1", "9", actor=bureau["guihua_head"], comment="成本测算口径调整", expected_version=doc.version
    )
    db.session.commit()
    ws = cases.workbook(api(client, bureau["guihua"], "self_evaluation_summary", unit="guihua")).active
    assert ws["D4"].value == "村级国土空间规划编制" and ws["J4"].value == 86.5 and ws["K4"].value == "良"
    assert ws["M4"].value.startswith("得分经复核调整")
    assert (ws["A5"].value, ws["E5"].value, ws["F5"].value) == ("合计", 150, 127.5)
    for kind, sheet in (
        ("rectification_ledger", "整改台账"),
        ("result_application_ledger", "评价结果应用台账"),
    ):
        assert cases.workbook(api(client, bureau["finance"], kind, year=2026)).sheetnames == [sheet]
        assert cases.workbook(api(client, bureau["guihua"], kind, unit="guihua")).sheetnames == [sheet]


def test_the_bureau_zip_and_the_bureau_workbook(client, client_for, bureau, volume_year):
    response = api(client, bureau["finance"], "monitoring", year=YEAR)
    archive = cases.zipped(response)
    assert cases.download_name(response).startswith(f"{YEAR}年度项目支出绩效监控汇总表（1-8月）-{BUREAU}-")
    units = [name.split("-")[-2] for name in archive.namelist()]
    assert len(set(units)) == len(units) >= 5 and "规划科" in units
    total = 0
    for name, unit in zip(archive.namelist(), units, strict=True):
        wb = member(archive, name)
        listing = wb.active
        count = listing.max_row - 4
        assert wb.sheetnames[0] == "绩效监控汇总表" and len(wb.sheetnames) == 1 + count
        assert {listing[f"B{r}"].value for r in range(4, 4 + count)} == {unit}
        assert [wb[s]["A1"].value for s in wb.sheetnames[1:]] == ["项目支出绩效目标执行监控表"] * count
        assert wb.sheetnames[1] == f"001-{listing['D4'].value}"
        total += count
    assert total == 10
    finance = client_for(bureau["finance"])
    whole = cases.workbook(finance.get(f"/exports/download?kind=monitoring&year={YEAR}"))
    assert len(whole.sheetnames) == 11 and custom_properties(whole)["zyperf_kind"] == "monitoring_summary"
    assert cases.zipped(finance.get(f"/exports/download?kind=monitoring&year={YEAR}&per_unit=1")).namelist()


def test_the_pages_offer_their_workbooks(client_for, bureau):
    doc = cases.e1_monitoring(bureau)
    staff = client_for(bureau["guihua"])
    page = staff.get(f"/projects/details/?id={doc.project_id}").get_data(as_text=True)
    assert f'data-export="{doc.id}"' in page and f'data-export="{doc.parent_id}"' in page
    listing = staff.get("/documents/?kind=monitoring").get_data(as_text=True)
    links = listing.split('id="list-exports"')[1].split("</p>")[0]
    assert "/exports/download?kind=monitoring_summary&amp;year=2026&amp;unit=guihua" in links
    assert "/exports/download?kind=monitoring&amp;year=2026&amp;unit=guihua" in links
    wb = cases.workbook(staff.get("/exports/download?kind=monitoring&year=2026&unit=guihua"))
    assert wb.sheetnames == ["绩效监控汇总表", f"001-{cases.E1_PROJECT}"]
    assert 'id="list-exports"' not in staff.get("/documents/").get_data(as_text=True)  # no kind chosen
    ledger = staff.get("/documents/?kind=rectification").get_data(as_text=True).split('id="list-exports"')[1]
    assert (
        "/exports/download?kind=rectification_ledger&amp;year=2026&amp;unit=guihua" in ledger.split("</p>")[0]
    )
    assert "kind=monitoring&amp;year=2026&amp;unit" not in client_for(bureau["finance"]).get(
        "/documents/?kind=monitoring"
    ).get_data(as_text=True)  # finance: the bureau's
    form = staff.get("/exports/").get_data(as_text=True)
    assert 'id="export-form"' in form and "全局" not in form.split('id="unit"')[1].split("</select>")[0]
    assert "全局" in client_for(bureau["finance"]).get("/exports/").get_data(as_text=True)


def test_out_of_scope_is_404_by_every_route_and_admins_get_nothing(app, client, client_for, bureau):
    doc = cases.e1_monitoring(bureau)
    gengdi, deputy, admin = bureau["gengdi"], bureau["deputy"], bureau["admin"]
    for params in ({"project": doc.project_id}, {"unit": "guihua"}, {}):
        assert api(client, gengdi, "monitoring", **params).status_code == 404, params
        assert api(client, gengdi, "monitoring_summary", **params).status_code == 404, params
    assert api(client, gengdi, "rectification_ledger", unit="guihua").status_code == 404
    assert api(client, gengdi, "department_targets").status_code == 404
    pages = client_for(gengdi)
    assert pages.get(f"/exports/documents/{doc.id}").status_code == 404
    assert pages.get(f"/exports/documents/{doc.parent_id}").status_code == 404
    assert pages.get("/exports/download?kind=monitoring&unit=guihua").status_code == 404
    assert pages.get(f"/exports/download?kind=monitoring&project={doc.project_id}").status_code == 404
    assert pages.get("/exports/download?kind=monitoring").status_code == 404  # the bureau's
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["export", "monitoring", "--year", "2026", "--project", str(doc.project_id),
                                  "--actor", "gengdi", "--out", "x.xlsx"])  # fmt: skip
    assert refused.exit_code != 0 and "无权查看" in refused.output
    # A division leader exports the units they oversee, not the bureau.
    assert api(client, deputy, "monitoring", unit="guihua").status_code == 200
    assert api(client, deputy, "monitoring").status_code == 404
    assert api(client, bureau["leader"], "monitoring").status_code == 200
    # Admins configure; they export nothing.
    for params in ({"project": doc.project_id}, {"unit": "guihua"}, {}):
        assert api(client, admin, "monitoring", **params).status_code == 403
    assert client_for(admin).get(f"/exports/documents/{doc.id}").status_code == 403
    assert client_for(admin).get("/exports/").status_code == 403


def test_the_command_line_writes_the_file(app, bureau, tmp_path):
    doc = cases.e1_monitoring(bureau)
    runner = app.test_cli_runner()
    out = tmp_path / "m1.xlsx"
    done = runner.invoke(args=["export", "monitoring", "--year", "2026", "--project", str(doc.project_id),
                               "--out", str(out)])  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "项目支出绩效目标执行监控表" in done.output
    assert load(io.BytesIO(out.read_bytes()))["项目支出绩效目标执行监控表"]["H6"].value == 199.99
    bureau_wide = tmp_path / "all.zip"
    done = runner.invoke(args=["export", "monitoring", "--year", "2026", "--per-unit", "--actor", "finance",
                               "--out", str(bureau_wide)])  # fmt: skip
    assert done.exit_code == 0 and zipfile.ZipFile(bureau_wide).namelist()[0].split("-")[-2] == "规划科"
    wrong = runner.invoke(
        args=["export", "targets_summary", "--year", "2026", "--out", str(tmp_path / "a.zip")]
    )
    assert wrong.exit_code != 0 and "请用以 .xlsx 结尾" in wrong.output
    listed = runner.invoke(args=["export", "--help"])
    assert "result_application_ledger" in listed.output and "系统导出" in listed.output


def test_the_archive_holds_the_stage_workbooks(client, bureau):
    doc = cases.e1_monitoring(bureau)
    response = client.get(f"/api/v1/projects/{doc.project_id}/archive", headers=bearer(bureau["guihua"]))
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    manifest = json.loads(archive.read("manifest.json"))
    assert {f["name"] for f in manifest["files"]} == set(archive.namelist()) - {"manifest.json"}
    for entry in manifest["files"]:
        assert entry["sha256"] == hashlib.sha256(archive.read(entry["name"])).hexdigest()
    books = sorted(f["name"] for f in manifest["files"] if f["name"].startswith("workbooks/"))
    assert [b.split("/")[1] for b in books] == [f"{doc.parent_id}-绩效目标", f"{doc.id}-绩效监控"]
    assert member(archive, books[1])["项目支出绩效目标执行监控表"]["H6"].value == 199.99


def test_a_units_export_costs_the_same_queries_at_any_size(client, bureau):
    finance = bearer(bureau["finance"])
    urls = [f"/api/v1/exports/{kind}?year={YEAR}&unit=guihua" for kind in
            ("targets", "monitoring", "self_evaluation", "monitoring_summary", "self_evaluation_summary")]  # fmt: skip

    def queries(url) -> int:
        seen = []
        listen = lambda *args: seen.append(args[2])
        event.listen(db.engine, "before_cursor_execute", listen)
        try:
            assert client.get(url, headers=finance).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listen)
        db.session.rollback()
        return len(seen)

    def guihua_projects() -> int:
        mine = (Project.unit_id == bureau["guihua"].unit_id) & Project.fiscal_year.has(year=YEAR)
        return db.session.scalar(select(func.count(Project.id)).where(mine))

    grow(6)
    small, before = [queries(u) for u in urls], guihua_projects()
    grow(12)
    assert guihua_projects() >= before + 2
    assert [queries(u) for u in urls] == small
