"""What every table's reader shares: what it is given (the document's data, the template as the
document makes it now), what it gives back (field values and where each field sits, so that the
edit service's refusals can name cells too), the marks a template carries, and fund rows."""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from zyperf.domain import tables
from zyperf.domain.settings import YearSettings
from zyperf.exports.form import Form, span
from zyperf.imports.sheet import Sheet

READONLY = "只读：来自系统（项目信息或已批复的绩效目标），导入时不得修改"
COMPUTED = "系统计算：导入时忽略，按填写内容重新计算"
ROW_MESSAGE = re.compile(r"^第(\d+)行：")


@dataclass
class Context:
    """What a reader needs besides the sheet. `form` is the template as the document makes it now
    (read-only cells are compared with it); `order` the stored index of each indicator row of the
    template, top to bottom (tables print them in catalog order)."""

    data: dict
    fiscal_year: int
    form: Form | None = None
    order: list[int] = field(default_factory=list)
    settings: YearSettings = field(default_factory=YearSettings)
    month: int = 8
    report_code: str = ""
    rows_max: int = 60
    choices: dict[str, str] = field(default_factory=dict)  # X-1 评估方式: label → code
    subject: str = ""  # L-5 项目名称
    bureau: str = ""  # L-5 填报单位

    def expected(self, ref: str):
        """The value the template holds at a cell (None when blank)."""
        r, c, _, _ = span(ref)
        return self.form.cells.get((r, c), (None, ""))[0] if self.form else None

    def inner(self, ref: str) -> bool:
        """A cell inside one of the template's merges, other than its top left."""
        r, c, _, _ = span(ref)
        return self.form is not None and (r, c) in self.form.covered

    def stored_rows(self, key: str) -> list[dict]:
        rows = self.data.get(key)
        return [r if isinstance(r, dict) else {} for r in rows] if isinstance(rows, list) else []


@dataclass
class Reading:
    """Field values read (only the fields the table holds), and where each field and each table row
    and column sits, for messages that come back from validation."""

    values: dict = field(default_factory=dict)
    anchors: dict[str, str] = field(default_factory=dict)  # field key → A1
    rows: dict[str, list[int]] = field(default_factory=dict)  # table key → 1-based sheet row per data row
    columns: dict[str, dict[str, str]] = field(default_factory=dict)  # table key → {label: column}
    named: dict[str, dict[str, str]] = field(default_factory=dict)  # field key → {text it names: A1}

    def place(self, key: str, message: str) -> tuple[str, str]:
        """(A1 cell, message) for a validation message of field `key`: a table row's message at
        its row (at the column its label names), anything else at the field's cell."""
        found = ROW_MESSAGE.match(message)
        rows = self.rows.get(key)
        if found and rows and 0 < int(found.group(1)) <= len(rows):
            row = rows[int(found.group(1)) - 1]
            text = message[found.end() :]
            columns = self.columns.get(key, {})
            named = [(text.find(label), -len(label), c) for label, c in columns.items() if label in text]
            column = min(named)[2] if named else next(iter(columns.values()), "A")
            return f"{column}{row}", text
        for text, ref in self.named.get(key, {}).items():
            if text in message:
                return ref, message
        return self.anchors.get(key, "A1"), message


def fund_update(
    sheet: Sheet, stored: dict, column: str, fiscal_ref: str, others_ref: str, *, carryover_ref: str = ""
) -> dict:
    """One column of a table that prints 财政拨款 and 其他资金 (T-1, M-1, S-2) written back into the
    stored sources: 财政资金 from its cell (plus 上年结转资金 in S-2, which it holds); 其他资金 into
    the one source that holds it (专户、单位、其他), refused at its cell when it is split."""
    funds = {s: dict(r) for s, r in stored.items() if isinstance(r, dict)} if isinstance(stored, dict) else {}
    fiscal = Decimal(sheet.amount(fiscal_ref, "财政拨款"))
    if carryover_ref:
        carryover = Decimal(sheet.amount(carryover_ref, "上年结转资金"))
        funds.setdefault(tables.CARRYOVER, {})[column] = str(carryover)
        fiscal += carryover
    funds.setdefault("fiscal", {})[column] = str(fiscal)
    others = Decimal(sheet.amount(others_ref, "其他资金"))
    sources = list(tables.FUND_SOURCES)[1:]
    held = [s for s in sources if tables.fund_amount(funds, s, column)]
    if others == sum((tables.fund_amount(funds, s, column) for s in sources), Decimal(0)):
        return funds
    if len(held) > 1:
        names = "、".join(tables.FUND_SOURCES[s] for s in held)
        sheet.fail(
            others_ref,
            f"其他资金由{names}组成，不能在表格中整体修改，请在系统中按来源修改",
            sheet.raw(others_ref),
        )
        return funds
    funds.setdefault(held[0] if held else "other", {})[column] = str(others)
    return funds


def mark(marks: dict[str, str], note: str, *refs: str) -> None:
    for ref in refs:
        marks[ref] = note
