"""A form sheet (§6, §7) gathered as data, then written once: the table's Layout (literals and merges,
the one source that imports also check against), values at their cells, every grid cell bordered,
and each row's height from the §1.4 formula."""

from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, product

from xlsxwriter.utility import xl_cell_to_rowcol, xl_rowcol_to_cell

from zyperf.exports.workbook import FIXED_HEIGHTS, Book, blank, cell, line_count, merge, row_height


@dataclass(frozen=True)
class Layout:
    """A table's fixed texts (top-left A1 cell → text) and merged ranges for a given N (and K).
    Data-dependent merges (indicator runs, §1.4) are not in it: see indicators.level_merges."""

    literals: dict[str, str]
    merges: frozenset[str]


@lru_cache(maxsize=8192)
def span(ref: str) -> tuple[int, int, int, int]:
    """`B3:H3` or `B3` → zero-based (first_row, first_col, last_row, last_col)."""
    first, _, last = ref.partition(":")
    r1, c1 = xl_cell_to_rowcol(first)
    r2, c2 = xl_cell_to_rowcol(last) if last else (r1, c1)
    return r1, c1, r2, c2


def a1(row: int, col: int) -> str:
    return xl_rowcol_to_cell(row, col)


def a1_range(r1: int, c1: int, r2: int, c2: int) -> str:
    return f"{a1(r1, c1)}:{a1(r2, c2)}"


class Form:
    """Cells and merges of one form sheet. `grid` is the 1-based (first, last) row of the table grid."""

    def __init__(self, widths, grid: tuple[int, int]):
        self.widths = tuple(widths)
        self.grid = (grid[0] - 1, grid[1] - 1)
        self.cells: dict[tuple[int, int], tuple[object, str]] = {}
        self.spans: dict[tuple[int, int], tuple[int, int]] = {}
        self.notes: dict[str, str] = {}  # A1 → a cell note (templates mark read-only cells with one)

    @property
    def merge_refs(self) -> frozenset[str]:
        """Every merged range, in A1 notation: the layout's and the indicator runs'."""
        return frozenset(a1_range(r1, c1, r2, c2) for (r1, c1), (r2, c2) in self.spans.items())

    @property
    def covered(self) -> set[tuple[int, int]]:
        """The cells inside a merge other than its top left."""
        inside = set()
        for (r1, c1), (r2, c2) in self.spans.items():
            inside.update(product(range(r1, r2 + 1), range(c1, c2 + 1)))
        return inside - self.spans.keys()

    def apply(self, layout: Layout, styles: dict[str, str]) -> None:
        """Merges and literals of a Layout; literals take `styles[cell]`, else the label style."""
        for ref in layout.merges:
            self.merge(ref)
        for ref, text in layout.literals.items():
            self.put(ref, text, styles.get(ref, "label"))

    def merge(self, ref: str) -> None:
        self.merge_at(*span(ref))

    def merge_at(self, r1: int, c1: int, r2: int, c2: int) -> None:
        """A single cell is never merged: a block of N rows spans one row when a draft has none yet."""
        if (r1, c1) != (r2, c2):
            self.spans[(r1, c1)] = (r2, c2)

    def put(self, ref: str, value, style: str) -> None:
        """A value at an A1 cell (the top-left of its merge, if any)."""
        r, c, _, _ = span(ref)
        self.cells[(r, c)] = (value, style)

    def put_at(self, row: int, col: int, value, style: str) -> None:
        self.cells[(row, col)] = (value, style)

    def write(self, book: Book, name: str, *, landscape: bool):
        """Adds the sheet to `book` and writes everything; returns the worksheet."""
        ws = book.add_sheet(name, self.widths, landscape=landscape)
        formats = book.formats
        covered: set[tuple[int, int]] = set()
        for (r1, c1), (r2, c2) in self.spans.items():
            _, style = self.cells.get((r1, c1), (None, "text"))
            merge(ws, r1, c1, r2, c2, formats[style])
            covered.update(product(range(r1, r2 + 1), range(c1, c2 + 1)))
        edges = list(accumulate(self.widths, initial=0))
        lines: dict[int, int] = {}
        fixed: dict[int, float] = {}
        for (r, c), (value, style) in self.cells.items():
            text = cell(ws, r, c, value, formats[style])
            if style in FIXED_HEIGHTS:
                fixed[r] = FIXED_HEIGHTS[style]
            elif text:
                r2, c2 = self.spans.get((r, c), (r, c))
                if r2 == r:  # cells in a vertical merge do not count (§1.4)
                    count = line_count(text, int(edges[c2 + 1] - edges[c]))
                    lines[r] = max(lines.get(r, 1), count)
        text_format = formats["text"]
        first, last = self.grid
        grid = set(product(range(first, last + 1), range(len(self.widths))))
        for r, c in grid - covered - self.cells.keys():
            blank(ws, r, c, text_format)
        for r in range(max(max(self.cells)[0], last) + 1):
            ws.set_row(r, fixed.get(r) or row_height(lines.get(r, 1)))
        for ref, note in self.notes.items():
            ws.write_comment(ref, note, {"x_scale": 2, "y_scale": 0.6})
        return ws


def fund_values(fund, filler: str, *, forecast: bool = False) -> dict[str, tuple[object, str]]:
    """A fund row's cells by field (§1.2): all blank when every amount is 0 (M-1 counts 全年预计
    too); otherwise every amount, and the rate or the filler when its denominator was 0."""
    amounts = ("initial", "adjusted", "executed") + (("forecast",) if forecast else ())
    if not any(getattr(fund, a) for a in amounts):
        return {a: (None, "amount") for a in amounts} | {"rate": (None, "rate")}
    values = {a: (getattr(fund, a), "amount") for a in amounts}
    return values | {"rate": (filler, "center") if fund.rate is None else (fund.rate, "rate")}
