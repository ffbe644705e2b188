"""X-1 事前绩效评估评分表 (excel-formats §6.5)."""

import datetime as dt

from zyperf.exports.form import Form, Layout
from zyperf.exports.model import RATINGS, Exante
from zyperf.exports.workbook import TICK, Book, display_name, project_book

TABLE = "事前绩效评估评分表"
KIND = "exante_scoring"
WIDTHS = (16, 34, 6, 5, 5, 5, 5, 8, 24)
TITLES = {"A1": "title", "A2": "subtitle"}
ASPECTS = ("一、立项必要性(20分)", "二、投入经济性(20分)", "三、绩效目标合理性(20分)")
ASPECTS += ("四、实施方案可行性(20分)", "五、筹资合规性(20分)")
DEFAULT_ITEMS = (
    ("政策相符性", "职能相关性", "需求迫切性", "不可替代性"),
    ("成本测算合理性", "投入产出匹配性", "成本控制措施", "分年度资金安排合理性"),
    ("目标明确性", "指标完整性", "指标可衡量性", "目标值合理性"),
    ("实施内容明确性", "组织保障", "进度安排合理性", "风险防控"),
    ("筹资合法合规性", "财政支持方式合理性", "其他资金来源可靠性", "债务风险可控性"),
)
ITEM_ROWS = range(8, 28)


def layout(fiscal_year: int) -> Layout:
    literals = {
        "A1": TABLE,
        "A2": f"（{fiscal_year}年度）",
        "A3": "项目名称",
        "A4": "主管部门",
        "E4": "实施单位",
        "A5": "申请预算金额（万元）",
        "E5": "评估方式",
        "A6": "评估内容",
        "B6": "评估要点",
        "C6": "分值",
        "D6": "评价等级",
        "H6": "得分",
        "I6": "评估意见",
        "A28": "合计",
        "A29": "评估结论",
        "A30": "建议预算控制数（万元）",
        "E30": "评估人员",
        "A31": "综合意见",
    }
    literals |= {f"{c}7": text for c, text in zip("DEFG", RATINGS, strict=True)}
    literals |= {f"A{8 + 4 * i}": text for i, text in enumerate(ASPECTS)}
    merges = {"A1:I1", "A2:I2", "B3:I3", "B4:D4", "E4:F4", "G4:I4", "B5:D5", "E5:F5", "G5:I5"}
    merges |= {"A6:A7", "B6:B7", "C6:C7", "D6:G6", "H6:H7", "I6:I7"}
    merges |= {f"A{8 + 4 * i}:A{11 + 4 * i}" for i in range(5)}
    merges |= {"A28:B28", "D28:G28", "B29:I29", "B30:D30", "E30:F30", "G30:I30", "B31:I31"}
    return Layout(literals, frozenset(merges))


def write_exante(book: Book, data: Exante, name: str = TABLE) -> None:
    """Writes one X-1 sheet into `book`; `data.items` are the 20 sub-items in aspect order."""
    exante_form(data).write(book, name, landscape=False)


def exante_form(data: Exante) -> Form:
    """The X-1 sheet as data: what a template holds, and what an upload is compared with."""
    if len(data.items) != len(ITEM_ROWS):
        raise ValueError(f"X-1 needs {len(ITEM_ROWS)} sub-items, got {len(data.items)}")
    form = Form(WIDTHS, grid=(3, 31))
    form.apply(layout(data.fiscal_year), TITLES)
    form.put("B3", display_name(data.project.code, data.project.name), "text")
    form.put("B4", data.project.department, "text")
    form.put("G4", data.project.unit, "text")
    form.put("B5", data.requested, "amount")
    form.put("G5", data.method, "center")
    for row, item in zip(ITEM_ROWS, data.items, strict=True):
        form.put(f"B{row}", item.name, "text")
        form.put(f"C{row}", item.points, "number")
        for col, rating in zip("DEFG", RATINGS, strict=True):
            form.put(f"{col}{row}", TICK if item.rating == rating else None, "center")
        form.put(f"H{row}", item.score, "score")
        form.put(f"I{row}", item.comment, "text")
    form.put("C28", data.points_total, "number")
    form.put("H28", data.total, "score")
    form.put("B29", data.conclusion, "center")
    form.put("B30", data.suggested, "amount")
    form.put("G30", data.assessors, "text")
    form.put("B31", data.opinion, "text")
    return form


def build_exante(data: Exante, *, export_date: dt.date, properties=None):
    """An X-1 workbook: (BytesIO, file name)."""
    return project_book(
        write_exante, data, table=TABLE, kind=KIND, export_date=export_date, properties=properties
    )
