"""A form sheet (zyperf.exports.form.Form) as an HTML table, for the print view: the same cells,
merges (rowspan/colspan) and column widths the workbook gets, each value shown as its style's number
format shows it in Excel (§1.3), every text escaped. Pure: no Flask, no database."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from markupsafe import Markup

from zyperf.exports.form import Form, a1
from zyperf.exports.workbook import NUMERIC_STYLES, STYLES, normalize_text, plain_number

BORDERED = frozenset(name for name, style in STYLES.items() if style.get("border"))


def fixed(value, places: int) -> Decimal:
    """Rounded half away from zero, as Excel shows a number format's decimals."""
    return Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def cell_text(value, style: str) -> str:
    """What Excel shows of `value` in a cell of `style` (#,##0.00, 0.00%, 0.00, General)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip() if value.isprintable() else normalize_text(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if style == "amount":
        return f"{fixed(value, 2):,}"
    if style == "rate":
        return f"{fixed(Decimal(value) * 100, 2)}%"
    if style == "score":
        return str(fixed(value, 2))
    return plain_number(value)


def cell_class(value, style: str, bordered: bool) -> str:
    """`xl-<style>`, a filler in a numeric column centred (§1.3), `xl-grid` for a bordered cell."""
    shown = "center" if style in NUMERIC_STYLES and isinstance(value, str) else style
    return f"xl-{shown}" + (" xl-grid" if bordered else "")


def widths(form: Form) -> list[str]:
    """Each column's share of the table's width, as a CSS percentage."""
    total = sum(form.widths) or 1
    return [f"{100 * w / total:.2f}%" for w in form.widths]


def form_table(form: Form, *, table_id: str = "print-table", caption: str = "") -> Markup:
    """The whole sheet, title rows included, as a `<table>` laid out like the workbook."""
    covered = form.covered
    first, last = form.grid
    bottom = max([last, *(r for r, _ in form.cells), *(r2 for r2, _ in form.spans.values())])
    columns = range(len(form.widths))
    rows = []
    for r in range(bottom + 1):
        cells = []
        for c in columns:
            if (r, c) in covered:
                continue
            value, style = form.cells.get((r, c), (None, "text" if first <= r <= last else "footer"))
            r2, c2 = form.spans.get((r, c), (r, c))
            bordered = style in BORDERED or (first <= r <= last and (r, c) not in form.cells)
            spans = Markup("")
            if r2 > r:
                spans += Markup(' rowspan="{}"').format(r2 - r + 1)
            if c2 > c:
                spans += Markup(' colspan="{}"').format(c2 - c + 1)
            cells.append(
                Markup('<td class="{}" data-cell="{}"{}>{}</td>').format(
                    cell_class(value, style, bordered), a1(r, c), spans, cell_text(value, style)
                )
            )
        rows.append(Markup("<tr>{}</tr>").format(Markup("").join(cells)))
    cols = Markup("").join(Markup('<col style="width:{}">').format(w) for w in widths(form))
    head = Markup("<caption>{}</caption>").format(caption) if caption else Markup("")
    return Markup(
        '<table class="print-form" id="{}">{}<colgroup>{}</colgroup><tbody>{}</tbody></table>'
    ).format(table_id, head, cols, Markup("").join(rows))
