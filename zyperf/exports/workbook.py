"""The one place that opens an xlsxwriter workbook (excel-formats §1.1), with the §1.3 styles, the
typed writers, row heights (§1.4), print setup (§1.5), sheet names (§1.6), file names (§1.7) and
properties (§1.8). Builders never call xlsxwriter's generic `write`: every user string goes through
`write_string`, whatever it starts with."""

import datetime as dt
import math
import re
import unicodedata
from decimal import Decimal
from functools import lru_cache
from io import BytesIO

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from zyperf.domain.text import normalize_text

SPEC_VERSION = 1
OPTIONS = {
    "in_memory": True,
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}
FONT = "宋体"
TITLE_HEIGHT = 30
HEADER_HEIGHT = 21  # subtitle, report code and list row 2
MAX_HEIGHT = 409
FILLER_SICHUAN = "/"  # S-1, D-2
FILLER = "—"  # U+2014, everywhere else
TICK = "√"  # U+221A

_CELL = {"border": 1, "valign": "vcenter"}
STYLES: dict[str, dict] = {
    "title": {"font_size": 16, "bold": True, "align": "center", "valign": "vcenter"},
    "subtitle": {"font_size": 11, "align": "center", "valign": "vcenter"},
    "code": {"font_size": 10, "align": "right", "valign": "vcenter"},
    "note": {"font_size": 10, "align": "left", "valign": "vcenter"},
    "note_right": {"font_size": 10, "align": "right", "valign": "vcenter"},
    "label": {**_CELL, "font_size": 10, "bold": True, "align": "center", "text_wrap": True},
    "text": {**_CELL, "font_size": 10, "align": "left", "text_wrap": True},
    "center": {**_CELL, "font_size": 10, "align": "center", "text_wrap": True},
    "amount": {**_CELL, "font_size": 10, "align": "right", "num_format": "#,##0.00"},
    "rate": {**_CELL, "font_size": 10, "align": "right", "num_format": "0.00%"},
    "score": {**_CELL, "font_size": 10, "align": "right", "num_format": "0.00"},
    "number": {**_CELL, "font_size": 10, "align": "right", "num_format": "General"},
    "date": {**_CELL, "font_size": 10, "align": "center", "num_format": "yyyy-mm-dd"},
    "footer": {"font_size": 10, "align": "left", "valign": "vcenter"},
}
# A string in a column of one of these styles is a filler, written centred (§1.3).
NUMERIC_STYLES = frozenset({"amount", "rate", "score", "number"})
# Rows whose height is fixed by the style of what they hold (§1.4); every other row uses the formula.
FIXED_HEIGHTS = {
    "title": TITLE_HEIGHT,
    "subtitle": HEADER_HEIGHT,
    "code": HEADER_HEIGHT,
    "note": HEADER_HEIGHT,
}


class Book:
    """An open workbook: the xlsxwriter object, its formats made once, and the sheet names in use.
    `streaming=True` is for list-only workbooks (constant_memory, §1.1). xlsxwriter drops
    constant_memory when in_memory is set, so a streaming workbook passes rows through temporary
    files; the finished file still ends up in `buffer`."""

    def __init__(self, *, streaming: bool = False):
        self.buffer = BytesIO()
        self.streaming = streaming
        options = OPTIONS | ({"in_memory": False, "constant_memory": True} if streaming else {})
        self.xl = xlsxwriter.Workbook(self.buffer, options)
        self.formats = {name: self.xl.add_format({"font_name": FONT, **s}) for name, s in STYLES.items()}
        self._names: set[str] = set()

    def add_sheet(self, name: str, widths, *, landscape: bool, list_sheet: bool = False) -> Worksheet:
        """A sheet named per §1.6, with its column widths and the §1.5 print setup."""
        name = sheet_name(name, self._names)
        self._names.add(name.casefold())
        ws = self.xl.add_worksheet(name)
        for col, width in enumerate(widths):
            ws.set_column(col, col, width)
        ws.set_paper(9)
        if landscape:
            ws.set_landscape()
        else:
            ws.set_portrait()
        ws.fit_to_pages(1, 0)
        ws.center_horizontally()
        ws.set_margins(left=0.5, right=0.5, top=0.75, bottom=0.75)
        ws.set_footer("&C第 &P 页，共 &N 页")
        if list_sheet:
            ws.repeat_rows(0, 2)
            ws.freeze_panes(3, 0)
        return ws

    def forget_row(self, ws: Worksheet, row: int) -> None:
        """Streaming only: xlsxwriter keeps each row's height (row_info, and row_sizes for placing
        images) after writing the row out; drop both once the row is written, so memory stays flat
        however many rows a list has. The list tests read every height back."""
        if self.streaming:
            ws.row_info.pop(row, None)
            ws.row_sizes.pop(row, None)

    def set_properties(
        self, *, title: str, author: str, kind: str, family: str, fiscal_year: int, extra=None, created=None
    ):
        """§1.8: title and author, the zyperf_* custom properties, and any `extra` custom ones.
        `created` (default: now) is the one varying part of the file: the same day's export of the same
        data is then the same bytes (a project archive's checksums hold from one download to the next)."""
        self.xl.set_properties({"title": title, "author": author} | ({"created": created} if created else {}))
        custom = {
            "zyperf_kind": kind,
            "zyperf_family": family,
            "zyperf_fiscal_year": int(fiscal_year),
            "zyperf_spec": SPEC_VERSION,
        }
        for key, value in (custom | dict(extra or {})).items():
            self.xl.set_custom_property(key, value)

    def close(self) -> BytesIO:
        self.xl.close()
        self.buffer.seek(0)
        return self.buffer


# ---------------------------------------------------------------------------------------------------
# Writers: the only calls that put cells into a sheet.


def string(ws: Worksheet, row: int, col: int, text: str, fmt) -> str:
    """Normalised text as a string cell; empty text is a (bordered) blank, never ``""``.
    Returns the text written, for the row height."""
    # Printable text has no control characters: only its ends can change (a fast path, same result).
    text = text.strip() if text.isprintable() else normalize_text(text)
    if text:
        ws.write_string(row, col, text, fmt)
    else:
        ws.write_blank(row, col, None, fmt)
    return text


def number(ws: Worksheet, row: int, col: int, value, fmt) -> None:
    """Decimal is written as float: 16 significant digits, never an exponent form like `1E+2`."""
    ws.write_number(row, col, float(value) if isinstance(value, Decimal) else value, fmt)


def date(ws: Worksheet, row: int, col: int, value: dt.date, fmt) -> None:
    ws.write_datetime(row, col, value, fmt)


def blank(ws: Worksheet, row: int, col: int, fmt) -> None:
    ws.write_blank(row, col, None, fmt)


def merge(ws: Worksheet, first_row: int, first_col: int, last_row: int, last_col: int, fmt) -> None:
    """Merge with formatted blanks; the caller then writes the top-left cell with a typed writer."""
    ws.merge_range(first_row, first_col, last_row, last_col, None, fmt)


def cell(ws: Worksheet, row: int, col: int, value, fmt) -> str | None:
    """Dispatch on our value types: None blank, str string, date date, Decimal/int number.
    Returns the text written for a string (heights count only text), else None."""
    kind = type(value)
    if kind is str or isinstance(value, str):
        return string(ws, row, col, str(value), fmt)
    if value is None:
        blank(ws, row, col, fmt)
    elif kind is Decimal or kind is int:
        number(ws, row, col, value, fmt)
    elif isinstance(value, dt.date):
        date(ws, row, col, value, fmt)
    elif isinstance(value, Decimal | int) and not isinstance(value, bool):
        number(ws, row, col, value, fmt)
    else:
        raise TypeError(f"unexpected cell value {value!r}")
    return None


# ---------------------------------------------------------------------------------------------------
# Values and heights (§1.2, §1.4)


def display_name(code: str, name: str) -> str:
    """`⟨项目编码⟩-⟨项目名称⟩` when the project has a 一体化 code, otherwise the name."""
    code, name = normalize_text(code or ""), normalize_text(name)
    return f"{code}-{name}" if code else name


def plain_number(value) -> str:
    """A number inside text (S-2): no exponent, no trailing zeros (`100`, `98.5`)."""
    text = format(Decimal(value).normalize(), "f")
    return "0" if text in ("-0", "") else text


def month_span(month: int) -> str:
    """`1-{m}月`, or `1月` when m = 1 (§2 monitoring.month)."""
    return "1月" if month == 1 else f"1-{month}月"


# Narrow characters seen so far, as a str.translate table that deletes them, so that
# `len(text.translate(_DROP_NARROW))` counts the wide ones in C. It only grows with new characters.
_DROP_NARROW: dict[int, None] = {}
_SEEN: set[str] = set()


def _units(paragraph: str) -> int:
    """§1.4: 2 units per character whose east_asian_width is W or F, 1 per other character."""
    for ch in set(paragraph) - _SEEN:
        if unicodedata.east_asian_width(ch) not in ("W", "F"):
            _DROP_NARROW[ord(ch)] = None
        _SEEN.add(ch)
    return len(paragraph) + len(paragraph.translate(_DROP_NARROW))


@lru_cache(maxsize=4096)  # labels recur on every sheet; small, so a long list keeps it bounded
def line_count(text: str, width: int) -> int:
    """Lines a wrapped text takes in a cell `width` units wide (§1.4), summed over its paragraphs."""
    return sum(max(1, math.ceil(_units(paragraph) / width)) for paragraph in text.split("\n"))


def row_height(lines: int) -> float:
    return min(MAX_HEIGHT, max(21, 15 * lines + 6))


# ---------------------------------------------------------------------------------------------------
# Names (§1.6, §1.7)

_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
_FILE_BAD = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
MAX_FILE_NAME = 120


def sheet_name(name: str, used: set[str]) -> str:
    """§1.6: replace `[]:*?/\\` by `_`, strip `'` and spaces, cut to 31, then `~2`, `~3`… when the name
    (ignoring case) is taken or is History. `used` holds casefolded names."""
    name = _SHEET_BAD.sub("_", name).strip("' ")[:31].strip("' ") or "Sheet"
    candidate, n = name, 1
    while candidate.casefold() in used or candidate.casefold() == "history":
        n += 1
        suffix = f"~{n}"
        candidate = name[: 31 - len(suffix)] + suffix
    return candidate


def _clean_file_part(text: str) -> str:
    return " ".join(_FILE_BAD.sub("_", text).split())


def file_name(fiscal_year: int, table: str, subject: str, on: dt.date) -> str:
    """§1.7: `{Y}年度{表名}-{主体}-{YYYYMMDD}.xlsx`, cleaned; 主体 is cut to keep 120 characters."""
    head = _clean_file_part(f"{fiscal_year}年度{table}-")
    tail = f"-{on:%Y%m%d}.xlsx"
    subject = _clean_file_part(subject)[: max(0, MAX_FILE_NAME - len(head) - len(tail))].rstrip()
    return f"{head}{subject}{tail}"


def finish(
    book: Book,
    *,
    table: str,
    kind: str,
    family: str,
    author: str,
    fiscal_year: int,
    subject: str,
    export_date: dt.date,
    properties=None,
) -> tuple[BytesIO, str]:
    """Sets §1.8 properties (plus `properties`), closes the book: (the file, its §1.7 name)."""
    book.set_properties(
        title=table,
        author=author,
        kind=kind,
        family=family,
        fiscal_year=fiscal_year,
        extra=properties,
        created=dt.datetime.combine(export_date, dt.time()),
    )
    return book.close(), file_name(fiscal_year, table, subject, export_date)


def project_book(write, data, *, table: str, kind: str, export_date: dt.date, properties=None):
    """One project's table in a workbook of its own: `write(book, data)`, then `finish`."""
    book = Book()
    write(book, data)
    return finish(
        book,
        table=table,
        kind=kind,
        family=data.family,
        author=data.project.department,
        fiscal_year=data.fiscal_year,
        subject=data.project.name,
        export_date=export_date,
        properties=properties,
    )
