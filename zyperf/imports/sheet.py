"""One uploaded sheet: its layout checked against a table's `Layout`, values read from their cells
as the type each field wants, read-only cells compared with what the template held, and every
refusal kept with its cell (sheet, A1, Chinese message, and what the cell holds, for correction)."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from openpyxl.utils.cell import range_boundaries
from openpyxl.worksheet.worksheet import Worksheet

from zyperf.domain.text import decimal_places, format_number, normalize_text
from zyperf.exports.form import Layout, a1, span
from zyperf.exports.workbook import FILLER, FILLER_SICHUAN, TICK

MAX_ROWS = 1000  # no template comes near; a sheet beyond is not one of ours
MAX_COLUMNS = 40
FILLERS = frozenset({FILLER, FILLER_SICHUAN})


@dataclass(frozen=True)
class CellError:
    sheet: str
    cell: str
    message: str
    value: str = ""  # what the upload holds in the cell

    def json(self) -> dict:
        return {"sheet": self.sheet, "cell": self.cell, "message": self.message}


def shown(value) -> str:
    """A cell's value as a person reads it back in the error table."""
    if value is None:
        return ""
    if isinstance(value, float | int) and not isinstance(value, bool):
        return format_number(_decimal(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    return str(value)[:200]


def _decimal(value) -> Decimal:
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def same(value, expected) -> bool:
    """A read-only cell still holds what the template wrote (numbers numerically, text normalised)."""
    if expected is None or expected == "":
        return value is None or (isinstance(value, str) and not normalize_text(value))
    if isinstance(expected, Decimal | int) and not isinstance(expected, bool):
        if isinstance(value, float | int) and not isinstance(value, bool):
            return _decimal(value) == Decimal(expected)
        return False
    if isinstance(expected, dt.date):
        return isinstance(value, dt.datetime | dt.date) and value.isoformat()[:10] == expected.isoformat()
    return normalize_text(value if isinstance(value, str) else shown(value)) == normalize_text(str(expected))


class Sheet:
    """Cells of an openpyxl worksheet by zero-based (row, col), merged cells read at their top left."""

    def __init__(self, ws: Worksheet):
        self.name = ws.title
        self.errors: list[CellError] = []
        self.merges = {str(r) for r in ws.merged_cells.ranges}
        self.values: dict[tuple[int, int], object] = {}
        self.formulas: set[tuple[int, int]] = set()
        self.oversized = ws.max_row > MAX_ROWS or ws.max_column > MAX_COLUMNS
        self._top_left: dict[tuple[int, int], tuple[int, int]] = {}
        if self.oversized:
            self.fail(
                a1(min(ws.max_row, MAX_ROWS + 1) - 1, 0),
                f"工作表过大（{ws.max_row} 行 × {ws.max_column} 列），不是填报模板",
            )
            return
        for (row, col), cell in ws._cells.items():  # only cells that exist: fast on sparse sheets
            if cell.data_type == "f":
                self.formulas.add((row - 1, col - 1))
                self.fail(
                    a1(row - 1, col - 1), "单元格含有公式：不接受公式，请直接填写数值或文字", cell.value
                )
            elif cell.value is not None:
                self.values[(row - 1, col - 1)] = cell.value
        for ref in self.merges:
            c1, r1, c2, r2 = range_boundaries(ref)
            for r in range(r1 - 1, r2):
                for c in range(c1 - 1, c2):
                    self._top_left[(r, c)] = (r1 - 1, c1 - 1)

    # --- errors -------------------------------------------------------------------------------------

    def fail(self, ref: str, message: str, value=None) -> None:
        self.errors.append(CellError(self.name, ref, message, shown(value)))

    def raw(self, ref: str):
        r, c, _, _ = span(ref)
        return self.values.get(self._top_left.get((r, c), (r, c)))

    def raw_at(self, row: int, col: int):
        return self.values.get(self._top_left.get((row, col), (row, col)))

    def last_row(self) -> int:
        """The zero-based index of the last row holding a value (-1 when none)."""
        return max((r for r, _ in self.values), default=-1)

    # --- layout -------------------------------------------------------------------------------------

    def check_layout(self, layout: Layout, *, free=lambda ref: False) -> None:
        """Every fixed text where the table puts it, and exactly the table's merges (`free` says which
        other merges may be there: the 一级/二级 runs of rows a unit types in)."""
        for ref, text in layout.literals.items():
            value = self.raw(ref)
            if normalize_text(shown(value)) != normalize_text(text):
                self.fail(
                    ref,
                    f"表头应为「{text}」：表头不得修改或移动（请使用下载的模板，勿插入、删除行列）",
                    value,
                )
        wanted = {ref for ref in layout.merges if ":" in ref and len(set(ref.split(":"))) == 2}
        for ref in sorted(wanted - self.merges):
            self.fail(ref.split(":")[0], f"应合并单元格 {ref}：合并单元格不得拆分或移动")
        for ref in sorted(self.merges - wanted):
            if not free(ref):
                self.fail(ref.split(":")[0], f"单元格 {ref} 不应合并：合并单元格不得新增或移动")

    def check_extent(self, last_row: int, last_col: int) -> None:
        """Nothing written below or right of the table (zero-based last row and column)."""
        for (r, c), value in sorted(self.values.items()):
            if (r > last_row or c > last_col) and not (isinstance(value, str) and not value.strip()):
                self.fail(a1(r, c), "表格范围之外不应填写内容（请勿增加行列）", value)
                return

    # --- values -------------------------------------------------------------------------------------

    def readonly(self, ref: str, expected, what: str) -> None:
        """A cell the unit may not change: refused when it differs from the template."""
        value = self.raw(ref)
        if span(ref)[:2] not in self.formulas and not same(value, expected):
            was = shown(expected) or "空白"
            self.fail(ref, f"{what}为只读（原为「{was}」），不得修改", value)

    def text(self, ref: str, label: str) -> str:
        value = self.raw(ref)
        if value is None:
            return ""
        if isinstance(value, bool | dt.datetime | dt.date | dt.time):
            self.fail(ref, f"{label}应填写文字", value)
            return ""
        return normalize_text(value if isinstance(value, str) else shown(value))

    def number(self, ref: str, label: str, *, places: int | None = None) -> str:
        """A number typed as a number: "" when blank; text, dates and booleans are refused."""
        value = self.raw(ref)
        if value is None or (isinstance(value, str) and not normalize_text(value)):
            return ""
        if isinstance(value, bool | dt.datetime | dt.date | dt.time):
            self.fail(ref, f"{label}应填写数字，不能是日期或是/否", value)
            return ""
        if isinstance(value, str):
            self.fail(
                ref, f"{label}应填写数字：单元格中是文本（请勿以文本格式或带单位、符号输入数字）", value
            )
            return ""
        try:
            number = _decimal(value)
        except (InvalidOperation, ValueError):
            self.fail(ref, f"{label}应填写数字", value)
            return ""
        if places is not None and decimal_places(number) > places:
            self.fail(ref, f"{label}最多{places}位小数", value)
            return ""
        return format_number(number)

    def amount(self, ref: str, label: str) -> str:
        """An amount in 万元: blank is 0; at most 2 decimals, not negative."""
        found = self.number(ref, label, places=2)
        if found and Decimal(found) < 0:
            self.fail(ref, f"{label}不能为负数", self.raw(ref))
            return ""
        return found or "0"

    def date(self, ref: str, label: str) -> str:
        value = self.raw(ref)
        if value is None or (isinstance(value, str) and not normalize_text(value)):
            return ""
        if isinstance(value, dt.datetime | dt.date) and not isinstance(value, dt.time):
            return value.isoformat()[:10]
        self.fail(ref, f"{label}应填写日期（如 2026-12-31），单元格中不是日期格式", value)
        return ""

    def tick(self, ref: str, label: str) -> bool:
        """`√` (or any mark a person types for it: ✓ ✔ v V 1 是) ticks; blank does not."""
        value = self.raw(ref)
        text = normalize_text(shown(value))
        if not text:
            return False
        if text in (TICK, "✓", "✔", "v", "V", "1", "是", "Y", "y"):
            return True
        self.fail(ref, f"{label}：打勾请填写「√」，不打勾请留空", value)
        return False
