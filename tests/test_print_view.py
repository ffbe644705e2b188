"""The print view of a document (issue 13): its table laid out as its Excel export is (the same
cells, merges and fixed texts), values formatted as the export shows them, text escaped, scoped."""

import io
import re
from html import unescape

import openpyxl
import pytest

from tests import export_cases as cases
from tests.test_department_targets import final_department_targets
from tests.test_imports import draft_targets, rectification
from tests.test_origins import CSS_URL, REFERENCE, foreign
from zyperf.extensions import db
from zyperf.models import Project
from zyperf.services import documents
from zyperf.services.projects import fiscal_year
from zyperf.services.settings import update_year_settings

_TD = re.compile(
    r'<td class="([^"]*)" data-cell="([A-Z]+)(\d+)"((?: (?:rowspan|colspan)="\d+")*)>(.*?)</td>', re.DOTALL
)


def column_number(letters: str) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ord(ch) - 64
    return number


def column_letters(number: int) -> str:
    name = ""
    while number:
        number, rest = divmod(number - 1, 26)
        name = chr(65 + rest) + name
    return name


def printed(html: str) -> tuple[dict[str, str], set[str]]:
    """The print table's cells (A1 → text) and its merged ranges, read back from the HTML."""
    cells, merges = {}, set()
    for _, col, row, spans, text in _TD.findall(html):
        cells[f"{col}{row}"] = unescape(text)
        rowspan = int((re.search(r'rowspan="(\d+)"', spans) or [0, 1])[1])
        colspan = int((re.search(r'colspan="(\d+)"', spans) or [0, 1])[1])
        if rowspan > 1 or colspan > 1:
            last = column_letters(column_number(col) + colspan - 1)
            merges.add(f"{col}{row}:{last}{int(row) + rowspan - 1}")
    return cells, merges


def exported(client, document):
    response = client.get(f"/exports/documents/{document.id}")
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.data)).active


def print_page(client, document) -> str:
    response = client.get(f"/documents/{document.id}/print")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def assert_like_export(client, document):
    """Every merge of the workbook is a rowspan/colspan of the page and nothing else is; every text the
    workbook holds is printed at its cell; the page names the document's state. Returns the cells."""
    ws = exported(client, document)
    html = print_page(client, document)
    cells, merges = printed(html)
    assert merges == {str(r) for r in ws.merged_cells.ranges}
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                assert cells[cell.coordinate] == cell.value.strip(), cell.coordinate
    assert 'id="print-state"' in html and "状态：" in html
    for signer in ("填报人", "科室负责人", "分管领导"):
        assert f"{signer}（签字）" in html
    return cells, html


def test_targets_print_like_t1(client_for, bureau):
    document = draft_targets(bureau)
    cells, html = assert_like_export(client_for(bureau["guihua"]), document)
    assert cells["A1"] == "项目支出绩效目标申报表" and cells["A6"] == "资金情况（万元）"
    assert re.search(r'data-cell="A6" rowspan="3">', html)  # A6:A8, as in the workbook
    assert re.search(r'data-cell="B3" colspan="7">', html)
    assert cells["E7"] == "120.00" and cells["A10"] == "绩效指标"
    assert "状态：草稿" in html and "print-portrait" in html
    # The workbook's eight column widths, in a colgroup.
    assert html.count('<col style="width:') == 8


def test_monitoring_print_like_m1(client_for, bureau):
    document = cases.e1_monitoring(bureau)
    cells, html = assert_like_export(client_for(bureau["guihua"]), document)
    assert "print-landscape" in html and "√" in cells.values()
    assert cells["A1"] == "项目支出绩效目标执行监控表"


def test_self_evaluation_print_like_s1_and_s2(client_for, bureau):
    staff = client_for(bureau["guihua"])
    cells, html = assert_like_export(staff, cases.e2_self_evaluation(bureau))
    assert re.search(r'data-cell="A8" rowspan="6">预算执行情况\(10分\)', html)
    assert cells["C9"] == "120.00" and cells["F9"].endswith("%")


def test_self_evaluation_print_like_s2(client_for, bureau):
    update_year_settings(fiscal_year(2026), {"family.self_evaluation": "central-2020"}, actor=bureau["admin"])
    db.session.commit()
    cells, _ = assert_like_export(client_for(bureau["guihua"]), cases.e2_self_evaluation(bureau))
    assert cells["A1"] == "项目支出绩效自评表"


def test_exante_print_like_x1(client_for, bureau):
    cells, html = assert_like_export(client_for(bureau["guihua"]), cases.e4_assessment(bureau))
    assert re.search(r'data-cell="D6" colspan="4">评价等级', html)
    assert cells["B5"] == "550.00" and cells["H28"] == "84.00"


def test_department_tables_print_like_d1_and_d2(client_for, bureau):
    finance = client_for(bureau["finance"])
    targets = final_department_targets(bureau)
    assert_like_export(finance, targets)
    evaluation = documents.create_document(
        "department_evaluation", actor=bureau["finance"], fiscal_year=fiscal_year(2026)
    )
    db.session.commit()
    _, html = assert_like_export(finance, evaluation)
    assert "print-landscape" in html


def test_a_kind_without_a_table_prints_its_fields(client_for, bureau):
    document = rectification(bureau)
    html = print_page(client_for(bureau["guihua"]), document)
    assert 'id="print-title"' in html and "预算执行率偏低" in html and "绩效目标不够细化" in html
    assert "（签字）" in html and "print-landscape" in html and "A4横向" in html  # L-5's columns across


def test_hostile_text_is_escaped(client_for, bureau):
    document = draft_targets(bureau)
    project = db.session.get(Project, document.project_id)
    project.name = "<script>alert(1)</script>"
    document.data = dict(document.data) | {"annual_goal": '<img src=x onerror="alert(2)">'}
    db.session.commit()
    html = print_page(client_for(bureau["guihua"]), document)
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=" in html


def test_another_units_document_is_404(client_for, bureau):
    document = draft_targets(bureau)
    assert client_for(bureau["gengdi"]).get(f"/documents/{document.id}/print").status_code == 404
    assert client_for(bureau["guihua"]).get(f"/documents/{document.id}/print").status_code == 200


@pytest.mark.parametrize("user", ["guihua", "finance"])
def test_the_document_page_offers_print(client_for, bureau, user):
    document = draft_targets(bureau)
    page = client_for(bureau[user]).get(f"/documents/{document.id}").get_data(as_text=True)
    assert f'id="print-document" href="/documents/{document.id}/print"' in page


def test_the_print_page_stays_on_its_origin(client_for, bureau):
    document = cases.e2_self_evaluation(bureau)
    html = print_page(client_for(bureau["guihua"]), document)
    base = f"http://localhost/documents/{document.id}/print"
    assert not foreign(REFERENCE.findall(html), base) and not foreign(CSS_URL.findall(html), base)
