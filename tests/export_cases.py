"""Documents made through the services for the export tests: the worked examples of excel-formats §4
(E1 monitoring, E2 self-evaluation with its targets, E4 ex-ante ratings), and how a test downloads
and opens a workbook."""

import io
import zipfile
from urllib.parse import unquote

from sqlalchemy import select

from tests.exports_check import load
from tests.filling import push, supportive_assessment, unit_chain
from tests.test_stage_figures import E2_ROWS
from zyperf.extensions import db
from zyperf.models import Project, StageDocument
from zyperf.services import documents
from zyperf.services.exports import XLSX, ZIP, export_date

E2_PROJECT = "村级国土空间规划编制"  # 51200025T000000012345 of 规划科: new and major, assessed first
E1_PROJECT = "国土空间规划“一张图”实施监督信息系统运维"  # 规划科, continuing
E4_PROJECT = "中心城区控制性详细规划修编"  # 规划科, new and large: needs an assessment
E4_RATINGS = [
    "优",
    "优",
    "良",
    "良",
    *["良"] * 4,
    "良",
    "良",
    "中",
    "中",
    "优",
    "良",
    "良",
    "中",
    *["优"] * 4,
]
GOAL = "完成20个村的村级国土空间规划编制"


def project(name: str, year: int = 2026) -> Project:
    return db.session.scalar(select(Project).where(Project.name == name, Project.fiscal_year.has(year=year)))


def final_targets(bureau, name: str, funds: dict, rows=E2_ROWS) -> StageDocument:
    """The project's targets with E2's indicators, taken to final by 规划科, its head, the division
    leader and finance (after a supportive assessment where the project needs one)."""
    p = project(name)
    if p.needs_ex_ante:
        supportive_assessment(p, bureau)
    data = {"manager": "张三 13800000000", "funds": funds, "annual_goal": GOAL, "indicators": rows}
    targets = documents.create_document("performance_targets", actor=bureau["guihua"], project=p, data=data)
    db.session.commit()
    return push(targets, unit_chain("guihua"), bureau)


def edited(document: StageDocument, bureau, changes: dict) -> StageDocument:
    """The unit saves `changes` over what the document holds."""
    data = dict(document.data or {}) | changes
    documents.edit_document(
        document, actor=bureau[document.unit.code], data=data, expected_version=document.version
    )
    db.session.commit()
    return document


def e2_self_evaluation(bureau) -> StageDocument:
    """E2 (§4.7): 财政资金 120.00 / 150.00 / 127.50, the five indicators with their 完成值."""
    final_targets(bureau, E2_PROJECT, {"fiscal": {"amount": "120"}})
    document = documents.create_document(
        "self_evaluation", actor=bureau["guihua"], project=project(E2_PROJECT)
    )
    rows = [dict(r) for r in document.data["indicators"]]
    for row, actual in zip(rows, ["7.2", "16", "100", "基本发挥指导作用", "92"], strict=True):
        row["actual"] = actual
    rows[3] |= {"grade": "部分达成年度指标并具有一定效果", "score_entered": "15"}
    for i, reason in ((0, "单村编制成本高于预期"), (1, "4个村因边界调整顺延"), (3, "部分村庄尚未据规划实施")):
        rows[i]["reason"] = reason
    return edited(
        document,
        bureau,
        {
            "funds": {"fiscal": {"initial": "120", "adjusted": "150", "executed": "127.5"}},
            "indicators": rows,
            "goal_completion": "完成16个村的规划编制",
            "implementation": "委托编制单位开展调查、方案编制和审查报批",
            "execution_reason": "4个村编制任务顺延，尾款未支付",
            "adjustment_reason": "年中追加30万元用于成果质量复核",
            "conclusion": "项目总体实施较好",
            "problems": "进度偏慢",
            "measures": "加强进度管理",
        },
    )


def e1_monitoring(bureau) -> StageDocument:
    """E1 (§4.4): 财政资金 280.00 / 190.00 and 单位资金 20.00 / 9.99 by August."""
    final_targets(bureau, E1_PROJECT, {"fiscal": {"amount": "280"}, "unit": {"amount": "20"}})
    document = documents.create_document("monitoring", actor=bureau["guihua"], project=project(E1_PROJECT))
    rows = [dict(r) for r in document.data["indicators"]]
    for row, actual in zip(rows, ["5", "12", "60", "初见成效", "0"], strict=True):
        row |= {"actual": actual, "expected": row["value"], "likelihood": "certain"}
    rows[1] |= {"likelihood": "possible", "causes": ["funding", "other"], "remark": "资金拨付滞后"}
    funds = {
        "fiscal": {"initial": "280", "adjusted": "280", "executed": "190", "expected": "280"},
        "unit": {"initial": "20", "adjusted": "20", "executed": "9.99", "expected": "20"},
    }
    return edited(
        document, bureau, {"funds": funds, "indicators": rows, "deviation_reason": "单位资金到位较晚"}
    )


def e4_assessment(bureau) -> StageDocument:
    """E4 (§4.8): 84 points, 予以支持."""
    ratings = [{"rating": r, "opinion": "论证充分" if i == 0 else ""} for i, r in enumerate(E4_RATINGS)]
    data = {
        "requested_amount": "550",
        "method": "third_party",
        "ratings": ratings,
        "suggested_amount": "500",
        "assessors": "四川某咨询公司",
        "overall_opinion": "项目必要，建议适当压减预算",
    }
    document = documents.create_document(
        "ex_ante_assessment", actor=bureau["guihua"], project=project(E4_PROJECT), data=data
    )
    db.session.commit()
    return document


def download_name(response) -> str:
    """The file name as the browser takes it: RFC 5987 `filename*` (UTF-8, percent-encoded)."""
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=UTF-8''" in disposition, disposition
    return unquote(disposition.split("filename*=UTF-8''", 1)[1])


def workbook(response):
    """The downloaded .xlsx, opened with openpyxl (the response checked first)."""
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == XLSX
    assert download_name(response).endswith(f"-{export_date():%Y%m%d}.xlsx")
    return load(io.BytesIO(response.data))


def zipped(response) -> zipfile.ZipFile:
    assert response.status_code == 200 and response.mimetype == ZIP
    return zipfile.ZipFile(io.BytesIO(response.data))
