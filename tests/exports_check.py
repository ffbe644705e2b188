"""Reading produced workbooks back with openpyxl the way excel-formats §1.9 says, and the checks every
table shares: layout (literals and exact merges), grid borders, widths, heights, print setup."""

import re
import zipfile

import openpyxl
from openpyxl.cell.cell import MergedCell
from openpyxl.utils import get_column_letter, range_boundaries

from zyperf.exports.form import Layout


def load(buf):
    buf.seek(0)
    return openpyxl.load_workbook(buf)


def merges(ws) -> set[str]:
    return {str(r) for r in ws.merged_cells.ranges}


def assert_layout(ws, layout: Layout, extra_merges=frozenset()) -> None:
    """Every literal at its cell, and exactly the layout's merges (plus the data-dependent ones)."""
    for ref, text in layout.literals.items():
        assert ws[ref].value == text, (ref, ws[ref].value, text)
        assert ws[ref].data_type == "s", ref
    assert merges(ws) == set(layout.merges) | set(extra_merges)


def font(ws, ref):
    f = ws[ref].font
    return f.name, f.sz, bool(f.b)


def assert_style(ws, ref, *, size=10, bold=False, number_format=None, border=True) -> None:
    assert font(ws, ref) == ("宋体", size, bold), (ref, font(ws, ref))
    if number_format:
        assert ws[ref].number_format == number_format, (ref, ws[ref].number_format)
    sides = [getattr(ws[ref].border, s).style for s in ("left", "right", "top", "bottom")]
    assert sides == (["thin"] * 4 if border else [None] * 4), (ref, sides)


def assert_grid(ws, first_row: int, last_row: int, last_col: int) -> None:
    """Every grid cell has a thin border on all four sides; inside a merged range openpyxl keeps only
    the range's edges, so those are checked there (§1.9). Rows just outside have no border."""
    ranges = [range_boundaries(str(r)) for r in ws.merged_cells.ranges]
    for row in range(first_row, last_row + 1):
        for col in range(1, last_col + 1):
            c = ws.cell(row, col)
            if isinstance(c, MergedCell):
                c1, r1, c2, r2 = next(b for b in ranges if b[0] <= col <= b[2] and b[1] <= row <= b[3])
                edges = {"left": col == c1, "right": col == c2, "top": row == r1, "bottom": row == r2}
                wanted = [side for side, on_edge in edges.items() if on_edge]
            else:
                wanted = ["left", "right", "top", "bottom"]
            for side in wanted:
                assert getattr(c.border, side).style == "thin", (c.coordinate, side)
    for col in range(1, last_col + 1):
        assert ws.cell(first_row - 1, col).border.bottom.style is None


def column_widths(ws) -> dict[int, float]:
    """openpyxl keeps a run of equal widths (`<col min max>`) under its first column letter."""
    found = {}
    for dim in ws.column_dimensions.values():
        for col in range(dim.min, dim.max + 1):
            found[col] = dim.width
    return found


def assert_widths(ws, widths) -> None:
    found = column_widths(ws)
    for i, w in enumerate(widths, start=1):
        assert w <= found[i] < w + 1, (get_column_letter(i), w, found[i])
    assert max(found) == len(widths)


def assert_heights(ws, last_row: int) -> None:
    """Every row has a height, and every height is a multiple of 0.75 pt (or the 409 cap)."""
    for r in range(1, last_row + 1):
        h = ws.row_dimensions[r].height
        assert h is not None and h >= 21, (r, h)
        assert h == 409 or (h / 0.75).is_integer(), (r, h)


def assert_print(ws, *, landscape: bool, list_sheet: bool = False) -> None:
    assert ws.page_setup.paperSize == 9
    assert ws.page_setup.orientation == ("landscape" if landscape else "portrait")
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.page_setup.fitToHeight == 0
    assert ws.page_setup.fitToWidth in (None, 1)
    assert ws.print_options.horizontalCentered is True
    m = ws.page_margins
    assert (m.left, m.right, m.top, m.bottom) == (0.5, 0.5, 0.75, 0.75)
    assert ws.oddFooter.center.text == "第 &P 页，共 &N 页"
    if list_sheet:
        assert ws.print_title_rows == "$1:$3"
        assert ws.freeze_panes == "A4"
    else:
        assert ws.print_title_rows is None
        assert ws.freeze_panes is None


def custom_properties(wb) -> dict:
    return {p.name: p.value for p in wb.custom_doc_props}


def assert_no_formula(buf) -> None:
    """No cell anywhere is a formula: neither as openpyxl reads it nor in the sheet XML."""
    wb = load(buf)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate, c.value)
    with zipfile.ZipFile(buf) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                xml = z.read(name).decode()
                assert not re.search(r"<f[ >]", xml), name
                assert "<hyperlink" not in xml, name
        assert not any("externalLink" in n or "drawing" in n for n in z.namelist())
