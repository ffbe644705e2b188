"""Combined unit or bureau workbooks (excel-formats §8.7): the list sheet, then one form per list row
in list order, each named `{NNN}-{项目名称}` (§1.6). They hold forms, so they never stream."""

import datetime as dt
from collections.abc import Callable

from zyperf.exports.exante import write_exante
from zyperf.exports.lists import finish_list, write_list
from zyperf.exports.model import Combined, Exante, Monitoring, SelfEvaluation, Targets
from zyperf.exports.monitoring import write_monitoring
from zyperf.exports.self_evaluation import write_self_evaluation
from zyperf.exports.targets import write_targets
from zyperf.exports.workbook import Book

Progress = Callable[[int, int], None]
FORM_WRITERS = {
    Targets: write_targets,
    Exante: write_exante,
    Monitoring: write_monitoring,
    SelfEvaluation: write_self_evaluation,
}


def form_sheet_name(position: int, form) -> str:
    """`{NNN}-{项目名称}` for the form of the list's row `position` (1-based); sanitised on adding."""
    return f"{position:03d}-{form.project.name}"


def write_combined(book: Book, data: Combined, progress: Progress | None = None) -> None:
    """The list, then each form; `progress(done, total)` is told after each form (a bar on a terminal)."""
    if len(data.forms) != len(data.summary.rows):
        raise ValueError(f"{len(data.summary.rows)} list rows but {len(data.forms)} forms")
    write_list(book, data.summary)
    for position, form in enumerate(data.forms, start=1):
        FORM_WRITERS[type(form)](book, form, form_sheet_name(position, form))
        if progress is not None:
            progress(position, len(data.forms))


def build_combined(
    data: Combined, *, export_date: dt.date, properties=None, progress: Progress | None = None
):
    """A unit's or the bureau's workbook of one kind: (BytesIO, file name). zyperf_kind is the list's."""
    book = Book()
    write_combined(book, data, progress)
    return finish_list(book, data.summary, export_date=export_date, properties=properties)
