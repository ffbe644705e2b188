"""The bureau's combined targets workbook (L-1, then one T-1 per project) of a volume year (`flask seed
volume --projects 2000`: 12 indicators each, made through the services), exported from the database
through the adapters (services.exports), against a floor measured in the same run: raw xlsxwriter
making exactly the same calls (cells, formats, merges, heights, widths, print setup), recorded from the
export beforehand, so the floor holds no reading, layout, text or height work of ours. The reading
(queries and adapters, up to what the builders take) is also measured on its own. Then a list-only
workbook (L-1) in constant-memory mode at 1,000 and 20,000 rows.

Run: python bench/bench_exports.py [--database URL] [--projects N]. Without --database a scratch
database is seeded first (BENCH_DATABASE_URL, emptied, else SQLite; minutes, the time is printed);
with it, its volume year is used as it is."""

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal as D
from io import BytesIO
from pathlib import Path
from statistics import median

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import xlsxwriter
from sqlalchemy import select

from bench.common import make_app
from zyperf import volume
from zyperf.exports.combined import write_combined
from zyperf.exports.lists import build_list, write_list
from zyperf.exports.model import Combined, TargetsList, TargetsRow
from zyperf.exports.workbook import FONT, OPTIONS, STYLES, Book
from zyperf.extensions import db
from zyperf.models import FiscalYear
from zyperf.services import exports
from zyperf.services.export_data import Sheets

REPEATS = 5
BUREAU = "资阳市自然资源和规划局"
DAY = dt.date(2026, 2, 15)
UNITS = (
    "国土空间规划科",
    "耕地保护监督科",
    "自然资源调查监测科",
    "资阳市不动产登记中心",
    "资阳市土地储备中心",
)


def summary(rows: int) -> TargetsList:
    """A synthetic L-1 of `rows` projects, for the constant-memory list."""
    items = tuple(
        TargetsRow(UNITS[i % 5], f"51200025T0000000{i:05d}", f"资阳市第{i}号国土空间综合整治与生态修复项目",
                   "新增项目" if i % 3 else "延续项目", D("150.00"), D("120.00"), D("30.00"),
                   f"完成第{i}号片区国土空间综合整治，新增耕地{i % 50 + 10}亩，按期通过验收。", 12, D(90),
                   i % 7 == 0, "财务科已审核")
        for i in range(rows)
    )  # fmt: skip
    n = D(rows)
    return TargetsList(2025, BUREAU, items, (D("150.00") * n, D("120.00") * n, D("30.00") * n))


class Style(str):
    """A recorded format, by its style name (never mistaken for a cell's text)."""


class Recorder:
    """Stands in for a worksheet: forwards every call and records it with its format's style name."""

    def __init__(self, ws, log: list, names: dict[int, str]):
        self._ws, self._log, self._names = ws, log, names

    def __getattr__(self, attr):
        target = getattr(self._ws, attr)
        if not callable(target):
            return target

        def call(*args, **kwargs):
            self._log.append((attr, tuple(self._names.get(id(a), a) for a in args), kwargs))
            return target(*args, **kwargs)

        return call


def record(data: Combined) -> list[tuple[str, list]]:
    """The xlsxwriter calls the export makes, per sheet: [(sheet name, [(method, args, kwargs)])]."""
    book = Book()
    names = {id(fmt): Style(style) for style, fmt in book.formats.items()}
    sheets: list[tuple[str, list]] = []
    add_worksheet = book.xl.add_worksheet

    def recording_add(name):
        log: list = []
        sheets.append((name, log))
        return Recorder(add_worksheet(name), log, names)

    book.xl.add_worksheet = recording_add
    write_combined(book, data)
    book.close()
    return sheets


def prepare_floor(sheets):
    """A raw workbook with the same formats, and the recorded calls with their formats resolved, so
    that running the floor is only xlsxwriter's own work: adding the sheets, the calls, closing."""
    buf = BytesIO()
    wb = xlsxwriter.Workbook(buf, OPTIONS)
    formats = {style: wb.add_format({"font_name": FONT, **spec}) for style, spec in STYLES.items()}
    resolved = [
        (
            name,
            [(m, tuple(formats[a] if isinstance(a, Style) else a for a in args), kw) for m, args, kw in log],
        )
        for name, log in sheets
    ]
    return buf, wb, resolved


def run_floor(prepared) -> BytesIO:
    buf, wb, sheets = prepared
    for name, calls in sheets:
        ws = wb.add_worksheet(name)
        for method, args, kwargs in calls:
            getattr(ws, method)(*args, **kwargs)
    wb.set_properties({"title": "项目支出绩效目标汇总表", "author": BUREAU})
    for key, value in (
        ("zyperf_kind", "targets_summary"),
        ("zyperf_family", "L-1"),
        ("zyperf_fiscal_year", 2099),
    ):
        wb.set_custom_property(key, value)
    wb.set_custom_property("zyperf_spec", 1)
    wb.close()
    return buf


def seconds(fn) -> float:
    """CPU seconds of this process: the machine may be busy with other work, which wall time would add."""
    start = time.process_time()
    fn()
    return time.process_time() - start


def peak(fn) -> tuple[int, int]:
    """(peak traced bytes, size of the produced file) of one call."""
    tracemalloc.start()
    result = fn()
    buffer = result.buffer if isinstance(result, exports.Download) else result
    size = len((buffer[0] if isinstance(buffer, tuple) else buffer).getbuffer())
    _, top = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return top, size


def peak_of(fn) -> int:
    """Peak traced bytes of one call."""
    tracemalloc.start()
    fn()
    _, top = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return top


def mb(n: float) -> str:
    return f"{n / 2**20:.1f} MB"


def seeded(url: str | None, projects: int):
    """An app on `url` as it is, or on a scratch database (BENCH_DATABASE_URL, emptied, else SQLite in
    a temp dir) seeded with a volume year of `projects` projects."""
    if url:
        return make_app(url)
    app = make_app(os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite")
    with app.app_context():
        db.drop_all()
        db.create_all()
        start = time.perf_counter()
        run = volume.prepare(projects)
        for i in range(projects):
            volume.add_project(run, i)
            if (i + 1) % volume.BATCH == 0:
                db.session.commit()
        db.session.commit()
        print(f"seed volume --projects {projects}: {time.perf_counter() - start:.0f} s (wall)")
    return app


def fresh(fn):
    """fn run on a new session, so that every run reads the documents from the database."""

    def run():
        db.session.remove()
        return fn()

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database", help="a database holding a volume year (default: seed a scratch SQLite)"
    )
    parser.add_argument("--projects", type=int, default=2000)
    args = parser.parse_args()
    app = seeded(args.database, args.projects)
    with app.app_context():
        year = db.session.scalar(
            select(FiscalYear.year).where(FiscalYear.year >= volume.FIRST_YEAR).order_by(FiscalYear.year)
        )

        def read():
            fiscal_year = db.session.scalar(select(FiscalYear).where(FiscalYear.year == year))
            documents = exports.documents_of("performance_targets", fiscal_year, None)
            return exports.combined_of("targets_summary", documents, fiscal_year, Sheets(), "")

        export = fresh(lambda: exports.export("targets", actor=None, year=year))
        data = fresh(read)()
        sheets = record(data)
        pairs, reads = [], []  # each export next to a floor run, so a burst of other load hits both alike
        for _ in range(REPEATS):
            export_seconds = seconds(export)
            prepared = prepare_floor(sheets)
            pairs.append((export_seconds, seconds(lambda prepared=prepared: run_floor(prepared))))
            reads.append(seconds(fresh(read)))
        t_export, t_floor, t_read = median(p[0] for p in pairs), median(p[1] for p in pairs), median(reads)
        ratio = median(e / f for e, f in pairs)
        m_export, size_export = peak(export)
        m_read = peak_of(fresh(read))
        prepared = prepare_floor(sheets)
        m_floor, size_floor = peak(lambda: run_floor(prepared))
    cells = sum(1 for _, calls in sheets for c in calls if c[0].startswith("write"))
    print(f"\nCombined targets workbook of the {year} volume year, {len(data.forms)} projects from the database: "
          f"{len(sheets)} sheets, {cells:,} cell writes. Floor: the same xlsxwriter calls, replayed")  # fmt: skip
    print(
        f"  CPU    export {t_export:.2f} s, floor {t_floor:.2f} s (medians of {REPEATS}): {ratio:.2f}× (median of "
        f"paired ratios; target ≤ 1.5×); of the export, reading {t_read:.2f} s ({t_read / t_export:.0%})"
    )
    print(
        f"  memory export {mb(m_export)}, floor {mb(m_floor)}: {m_export / m_floor:.2f}× (target ≤ 1.5×); "
        f"reading alone peaks at {mb(m_read)}"
    )
    print(f"  file   export {mb(size_export)}, floor {mb(size_floor)}")
    print("\nList-only L-1 in constant-memory mode: peak traced memory (the finished file is held in memory)")
    for rows in (1000, 20000):
        listing = summary(rows)
        streamed, size = peak(lambda listing=listing: build_list(listing, export_date=DAY))
        print(
            f"  {rows:>6} rows: peak {mb(streamed)}, of which the file {mb(size)}: {mb(streamed - size)} besides"
        )
    listing = summary(20000)

    def in_memory():
        book = Book()
        write_list(book, listing)
        return book.close()

    whole, size = peak(in_memory)
    print(f"   20000 rows without constant-memory mode, for comparison: peak {mb(whole)}")


if __name__ == "__main__":
    main()
