"""Excel back in: every bad upload is refused with a Chinese reason naming the cell (or the file's
fault), and the document keeps its data and version. Scope, locks, stale versions, the command line."""

import datetime as dt
import io
import zipfile

import pytest

from tests import export_cases as cases
from tests.test_api_contract import validate
from tests.test_imports import draft_targets, rectification
from tests.test_workflow_api import bearer
from tests.uploads import row_of, saved, state, template, upload
from zyperf.extensions import db
from zyperf.imports.reading import ENCRYPTION_INFO, MAX_BYTES, OLE_MAGIC
from zyperf.services import documents


def refused(client, user, document, content, *, status=422, version=None) -> dict:
    """The upload is refused with `status`; nothing changed; the error body."""
    before = state(document.id)
    response = upload(client, user, document, content, version=version)
    assert response.status_code == status, response.get_data(as_text=True)[:800]
    assert state(document.id) == before
    return response.json["error"]


def cells(error: dict) -> dict[str, str]:
    assert error["code"] == "invalid" and error["cells"], error
    assert all(c["sheet"] for c in error["cells"])
    found: dict[str, str] = {}
    for c in error["cells"]:
        found[c["cell"]] = f"{found.get(c['cell'], '')}{c['message']}；"
    return found


def zipped(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


BOMB = {
    "[Content_Types].xml": b"<Types/>",
    "xl/workbook.xml": b"<workbook/>",
    "xl/big.xml": bytes(60 * 2**20),
}
MANY = {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"} | {
    f"x/{i}": b"" for i in range(300)
}
NOT_XLSX = [
    pytest.param(b"", "空的", id="empty"),
    pytest.param(b"MZ\x90\x00" + bytes(200), "可执行程序", id="renamed-exe"),
    pytest.param(OLE_MAGIC + bytes(600), "旧版 Excel 97-2003", id="xls"),
    pytest.param(OLE_MAGIC + bytes(100) + ENCRYPTION_INFO + bytes(100), "密码", id="encrypted"),
    pytest.param("项目,金额\n规划,100\n".encode(), "可能是 CSV", id="csv"),
    pytest.param(b"PK\x03\x04" + bytes(MAX_BYTES), "文件过大", id="oversized"),
    pytest.param(zipped(BOMB), "压缩炸弹", id="zip-bomb"),
    pytest.param(zipped(MANY), "内部文件过多", id="too-many-entries"),
    pytest.param(zipped({"word/document.xml": b"<w/>", "[Content_Types].xml": b"<Types/>"}), "不是 Excel", id="docx"),
    pytest.param(zipped({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<broken"}), "无法读取", id="damaged"),
]  # fmt: skip


@pytest.mark.parametrize(("content", "reason"), NOT_XLSX)
def test_what_is_not_an_xlsx_is_refused_whole(client, bureau, content, reason):
    document = draft_targets(bureau)
    error = refused(client, bureau["guihua"], document, content)
    assert reason in error["message"] and error["cells"] == []


def test_a_workbook_with_a_password_is_named_as_such(client, bureau):
    """An encrypted .xlsx is an OLE compound file: told apart from an .xls by its EncryptionInfo stream."""
    document = draft_targets(bureau)
    plain_xls = refused(client, bureau["guihua"], document, OLE_MAGIC + bytes(600))["message"]
    encrypted = refused(client, bureau["guihua"], document, OLE_MAGIC + ENCRYPTION_INFO + bytes(600))[
        "message"
    ]
    assert "另存为" in plain_xls and "密码" not in plain_xls and "密码" in encrypted


def test_another_documents_template_or_an_older_one(client, bureau):
    document = draft_targets(bureau)
    other = documents.create_document(
        "performance_targets", actor=bureau["guihua"], project=cases.project(cases.E2_PROJECT), data={}
    )
    db.session.commit()
    wb = template(client, bureau["guihua"], other)
    assert "另一份文档" in refused(client, bureau["guihua"], document, wb)["message"]
    old = template(client, bureau["guihua"], document)
    cases.edited(document, bureau, {"annual_goal": "在下载之后改过"})
    assert "请重新下载模板" in refused(client, bureau["guihua"], document, old)["message"]


def test_another_kinds_or_familys_template(client, bureau):
    monitoring = cases.e1_monitoring(bureau)
    document = draft_targets(bureau, cases.E2_PROJECT)
    wb = template(client, bureau["guihua"], monitoring)
    assert "执行监控表" in refused(client, bureau["guihua"], document, wb)["message"]
    wb = template(client, bureau["guihua"], document)
    next(p for p in wb.custom_doc_props if p.name == "zyperf_family").value = "sichuan-yitihua"
    assert "sichuan-yitihua" in refused(client, bureau["guihua"], document, wb)["message"]


def test_an_exported_table_is_not_a_template(client, bureau):
    document = draft_targets(bureau)
    exported = client.get(
        "/api/v1/exports/targets",
        query_string={"project": document.project_id},
        headers=bearer(bureau["guihua"]),
    )
    assert "下载填报模板" in refused(client, bureau["guihua"], document, exported.data)["message"]


def spoiled(client, bureau, document, spoil) -> dict[str, str]:
    """The document's template spoiled by `spoil(ws)`, uploaded: the refused cells."""
    wb = template(client, bureau["guihua"], document)
    spoil(wb.active)
    return cells(refused(client, bureau["guihua"], document, wb))


def test_edited_or_moved_headers_and_merges(client, bureau):
    document = draft_targets(bureau)

    def headers(ws):
        ws["A9"] = "年度任务"
        ws["E10"], ws["F10"] = ws["F10"].value, ws["E10"].value

    found = spoiled(client, bureau, document, headers)
    assert {"A9", "E10", "F10"} <= set(found) and "年度目标" in found["A9"]

    def merges(ws):
        ws.unmerge_cells("B9:H9")
        ws.merge_cells("B9:G9")

    assert "B9:H9" in spoiled(client, bureau, document, merges)["B9"]


def test_extra_or_missing_sheets(client, bureau):
    document = draft_targets(bureau)
    wb = template(client, bureau["guihua"], document)
    wb.create_sheet("备注")
    assert "2 张" in refused(client, bureau["guihua"], document, wb)["message"]
    wb = template(client, bureau["guihua"], document)
    wb.active.title = "Sheet1"
    assert "Sheet1" in refused(client, bureau["guihua"], document, wb)["message"]


def test_formulas_text_numbers_dates_and_decimals_are_named_by_cell(client, bureau):
    document = draft_targets(bureau)
    row = None

    def spoil(ws):
        nonlocal row
        row = row_of(ws, "完成村级规划编制数量")
        ws["E7"] = "=100+50"
        ws["E8"] = "30"  # a number typed as text
        ws[f"F{row}"] = dt.datetime(2026, 5, 1)  # a date where a number is expected
        ws[f"H{row}"] = 30.123

    found = spoiled(client, bureau, document, spoil)
    assert "公式" in found["E7"] and "文本" in found["E8"]
    assert "日期" in found[f"F{row}"] and "2位小数" in found[f"H{row}"]

    def amounts(ws):
        ws["E7"] = 150.125

    assert "最多2位小数" in spoiled(client, bureau, document, amounts)["E7"]


def test_more_indicator_rows_than_the_form_allows(client, bureau):
    document = draft_targets(bureau)

    def longer(ws):
        """56 more rows inserted before the 合计 row as Excel would: the label merge grows with them."""
        ws.unmerge_cells("A10:A15")
        ws.unmerge_cells("A16:G16")
        ws.insert_rows(16, 56)
        ws.merge_cells("A10:A71")
        ws.merge_cells("A72:G72")
        for r in range(16, 72):
            ws[f"B{r}"], ws[f"C{r}"], ws[f"D{r}"] = "产出指标", "数量指标", f"新增指标{r}"
            ws[f"E{r}"], ws[f"F{r}"], ws[f"G{r}"], ws[f"H{r}"] = "≥", 1, "个", 1

    found = spoiled(client, bureau, document, longer)
    assert "最多60行" in found["A71"] and "61" in found["A71"]


def test_a_changed_read_only_cell_is_named(client, bureau):
    document = cases.e1_monitoring(bureau)
    row = None

    def spoil(ws):
        nonlocal row
        row = row_of(ws, "完成村级规划编制数量")
        ws[f"F{row}"] = 10  # the locked targets' 指标值
        ws["B3"] = "另一个项目"

    found = spoiled(client, bureau, document, spoil)
    assert "只读" in found[f"F{row}"] and "20" in found[f"F{row}"] and "只读" in found["B3"]


def test_the_forms_own_rules_come_back_at_their_cells(client, bureau):
    document = draft_targets(bureau)
    row = None

    def spoil(ws):
        nonlocal row
        row = row_of(ws, "完成村级规划编制数量")
        ws[f"E{row}"] = "大约"
        ws["B9"] = "长" * 501

    found = spoiled(client, bureau, document, spoil)
    assert "指标性质应为" in found[f"E{row}"] and "500字" in found["B9"]


def test_rectification_rows_refused_by_cell(client, bureau):
    document = rectification(bureau)

    def spoil(ws):
        ws["I4"] = "2026-12-31"  # a date typed as text
        ws["A5"] = 9  # no such problem in the template
        ws["L4"] = "伪造的附件.pdf"

    found = spoiled(client, bureau, document, spoil)
    assert "日期" in found["I4"] and "序号9" in found["A5"] and "只读" in found["L4"]


def test_locked_stale_and_out_of_scope(client, bureau):
    final = cases.final_targets(bureau, cases.E1_PROJECT, {"fiscal": {"amount": "100"}})
    guihua = bearer(bureau["guihua"])
    locked = client.get(f"/api/v1/documents/{final.id}/template", headers=guihua)
    assert locked.status_code == 403 and "锁定" in locked.json["error"]["message"]
    assert refused(client, bureau["guihua"], final, b"x", status=403)["code"] == "forbidden"
    document = rectification(bureau)
    wb = template(client, bureau["guihua"], document)
    assert refused(client, bureau["guihua"], document, wb, status=409, version=document.version - 1)
    gengdi = bearer(bureau["gengdi"])
    assert client.get(f"/api/v1/documents/{document.id}/template", headers=gengdi).status_code == 404
    assert refused(client, bureau["gengdi"], document, wb, status=404)["code"] == "not_found"


def test_bad_requests(client, bureau):
    document = draft_targets(bureau)
    url = f"/api/v1/documents/{document.id}/import"
    headers = bearer(bureau["guihua"])
    no_file = client.post(url, data={"version": "1"}, headers=headers, content_type="multipart/form-data")
    assert no_file.status_code == 400 and no_file.json["error"]["fields"] == {"file": ["必填"]}
    no_version = client.post(url, data={"file": (io.BytesIO(b"x"), "a.xlsx")}, headers=headers)
    assert no_version.status_code == 400


def test_the_command_line(app, client, bureau, tmp_path):
    document = draft_targets(bureau)
    wb = template(client, bureau["guihua"], document)
    wb.active["B9"] = "命令行导入的年度目标"
    path = tmp_path / "t.xlsx"
    path.write_bytes(saved(wb))
    runner = app.test_cli_runner()
    args = ["import", str(path), "--document", str(document.id), "--actor", "guihua"]
    done = runner.invoke(args=args)
    assert done.exit_code == 0 and "已导入" in done.output, done.output
    assert state(document.id)[0]["annual_goal"] == "命令行导入的年度目标"
    wb = template(client, bureau["guihua"], document)
    wb.active["E7"] = "一百"
    path.write_bytes(saved(wb))
    again = runner.invoke(args=args)
    assert again.exit_code == 1 and "项目支出绩效目标申报表!E7" in again.output
    assert runner.invoke(args=[*args[:4], "--actor", "gengdi"]).exit_code == 1


def test_answers_keep_to_the_openapi_document(client, bureau):
    document = draft_targets(bureau)
    path = "/documents/{id}/import"
    response = client.get(f"/api/v1/documents/{document.id}/template", headers=bearer(bureau["guihua"]))
    validate(response, "/documents/{id}/template", "get")
    wb = template(client, bureau["guihua"], document)
    wb.active["E7"] = "一百"
    validate(upload(client, bureau["guihua"], document, wb), path, "post")  # 422 with cells
    validate(upload(client, bureau["guihua"], document, b""), path, "post")  # 422 without
    validate(upload(client, bureau["guihua"], document, wb, version="x"), path, "post")  # 400
    wb.active["E7"] = 100
    validate(upload(client, bureau["guihua"], document, wb), path, "post")  # 200
