"""L-5 rows of one rectification report: the template (the report's problems as the ledger prints
them) and the upload read back. A row's 序号 says which stored problem it is (its place in the
template); a row without 序号 is a new problem; a problem left out is removed."""

import datetime as dt

from zyperf.domain import problems
from zyperf.exports import lists
from zyperf.exports.model import ProblemList, ProblemRow
from zyperf.imports.common import READONLY, Context, Reading, mark
from zyperf.imports.sheet import Sheet

KIND = "rectification_ledger"
FIRST = 4  # 1-based row of the first problem
NUMBER_NOTE = "序号：标明这是模板中的哪个问题，请勿修改；新增问题请将序号留空，删除问题请删除整行"
COLUMNS = {label: col for col, label in zip("ACDEFGHIJKL", problems.PROBLEM_COLUMNS.values(), strict=True)}
TEXTS = (("D", "type"), ("E", "description"), ("F", "measures"), ("G", "responsible_unit"))
TEXTS += (("H", "responsible_person"), ("K", "result"))


def evidence_names(row: dict) -> tuple[str, ...]:
    return tuple(e.get("name", "") for e in row.get("evidence") or [] if isinstance(e, dict))


def problem_list(rows: list[dict], *, fiscal_year: int, bureau: str, subject: str) -> ProblemList:
    """The report's problems, in their order, as L-5 prints them."""
    printed = []
    for row in rows:
        deadline = row.get("deadline")
        printed.append(
            ProblemRow(
                project=subject,
                source=problems.SOURCES.get(row.get("source") or "", row.get("source") or ""),
                problem_type=row.get("type") or "",
                description=row.get("description") or "",
                measures=row.get("measures") or "",
                unit=row.get("responsible_unit") or "",
                person=row.get("responsible_person") or "",
                deadline=dt.date.fromisoformat(deadline) if deadline else None,
                status=problems.STATUSES.get(row.get("status") or "", row.get("status") or ""),
                explanation=row.get("result") or "",
                evidence=evidence_names(row),
            )
        )
    return ProblemList(fiscal_year, bureau, tuple(printed))


def problem_marks(count: int) -> dict[str, str]:
    marks: dict[str, str] = {}
    mark(marks, NUMBER_NOTE, *(f"A{FIRST + i}" for i in range(count)))
    mark(marks, READONLY, *(f"{c}{FIRST + i}" for i in range(count) for c in "BL"))
    return marks


def read_problems(sheet: Sheet, ctx: Context) -> Reading:
    stored = ctx.stored_rows("problems")
    reading = Reading(anchors={"problems": "A3"})
    layout = lists.layout(KIND, fiscal_year=ctx.fiscal_year, bureau=ctx.bureau, count=len(stored))
    sheet.check_layout(layout)
    last = sheet.last_row() + 1  # 1-based last row holding anything
    sheet.check_extent(max(last, FIRST) - 1, 11)
    if last - FIRST + 1 > ctx.rows_max:
        sheet.fail(f"A{FIRST + ctx.rows_max}", f"问题最多{ctx.rows_max}行，表中有{last - FIRST + 1}行")
    found, places, seen = [], [], set()
    for r in range(FIRST, last + 1):
        row = _row(sheet, r, stored, seen, ctx.subject)
        if row is not None:
            found.append(row)
            places.append(r)
    reading.values["problems"] = found
    reading.rows["problems"] = places
    reading.columns["problems"] = COLUMNS
    return reading


def _row(sheet: Sheet, r: int, stored: list[dict], seen: set[int], subject: str) -> dict | None:
    values = {key: sheet.text(f"{col}{r}", problems.PROBLEM_COLUMNS[key]) for col, key in TEXTS}
    values["source"] = sheet.text(f"C{r}", "问题来源")
    values["status"] = sheet.text(f"J{r}", "整改状态")
    values["deadline"] = sheet.date(f"I{r}", "整改时限")
    place = sheet.number(f"A{r}", "序号", places=0)
    if not any(values.values()):
        return None
    old: dict = {}
    if place:
        position = int(place)
        if not 0 < position <= len(stored) or position in seen:
            sheet.fail(
                f"A{r}", f"序号{place}不是模板中的问题（或重复）：新增的问题请将序号留空", sheet.raw(f"A{r}")
            )
        else:
            seen.add(position)
            old = stored[position - 1]
    sheet.readonly(f"B{r}", subject if old or sheet.raw(f"B{r}") else "", "项目名称")
    sheet.readonly(f"L{r}", "；".join(evidence_names(old)), "佐证材料（请在系统中上传）")
    kept = {k: old[k] for k in ("number", "evidence") if k in old}
    return kept | values
