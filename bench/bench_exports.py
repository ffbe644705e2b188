"""The bureau's combined targets workbook (L-1 plus one T-1 per project) for 2,000 projects of 12
indicators, against a floor measured in the same run: raw xlsxwriter making exactly the same calls
(cells, formats, merges, heights, widths, print setup), recorded from the export beforehand, so the
floor holds no layout, text or height work of ours. Then a list-only workbook (L-1) in
constant-memory mode at 1,000 and 20,000 rows. Pure inputs, no database. Run: make bench"""

import datetime as dt
import sys
import time
import tracemalloc
from decimal import Decimal as D
from io import BytesIO
from pathlib import Path
from statistics import median

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import xlsxwriter

from zyperf.exports.combined import build_combined, write_combined
from zyperf.exports.lists import build_list, write_list
from zyperf.exports.model import Combined, Indicator, Project, Targets, TargetsList, TargetsRow
from zyperf.exports.workbook import FONT, OPTIONS, STYLES, Book

PROJECTS = 2000
REPEATS = 5
INDICATORS = 12
BUREAU = "资阳市自然资源和规划局"
DAY = dt.date(2026, 2, 15)
UNITS = (
    "国土空间规划科",
    "耕地保护监督科",
    "自然资源调查监测科",
    "资阳市不动产登记中心",
    "资阳市土地储备中心",
)
PAIRS = (
    ("成本指标", "经济成本指标"),
    ("产出指标", "数量指标"),
    ("产出指标", "数量指标"),
    ("产出指标", "数量指标"),
    ("产出指标", "质量指标"),
    ("产出指标", "质量指标"),
    ("产出指标", "时效指标"),
    ("效益指标", "社会效益指标"),
    ("效益指标", "社会效益指标"),
    ("效益指标", "生态效益指标"),
    ("效益指标", "可持续影响指标"),
    ("满意度指标", "服务对象满意度指标"),
)
WEIGHTS = (D(5), D(10), D(10), D(10), D(5), D(5), D(10), D(10), D(5), D(5), D(5), D(10))


def project_targets(i: int) -> Targets:
    indicators = tuple(
        Indicator(a, b, f"第{i}号项目{b}的第{k}项考核内容", ("≥", "=", "≤", "定性")[k % 4],
                  "效果明显" if k % 4 == 3 else D(10 * k + 5), "" if k % 4 == 3 else "个", w, core=k == 1)
        for k, ((a, b), w) in enumerate(zip(PAIRS, WEIGHTS, strict=True))
    )  # fmt: skip
    project = Project(
        f"资阳市第{i}号国土空间综合整治与生态修复项目", f"51200025T0000000{i:05d}", BUREAU, UNITS[i % 5]
    )
    goal = f"完成第{i}号片区国土空间综合整治，新增耕地{i % 50 + 10}亩，修复生态面积{i % 30 + 5}公顷，按期通过验收。"
    return Targets(2025, project, "张三", "028-26000000", D("150.00"), D("120.00"), D("30.00"), goal,
                   indicators, D(90))  # fmt: skip


def summary(rows: int) -> TargetsList:
    items = tuple(
        TargetsRow(UNITS[i % 5], f"51200025T0000000{i:05d}", f"资阳市第{i}号国土空间综合整治与生态修复项目",
                   "新增项目" if i % 3 else "延续项目", D("150.00"), D("120.00"), D("30.00"),
                   f"完成第{i}号片区国土空间综合整治，新增耕地{i % 50 + 10}亩，按期通过验收。", INDICATORS, D(90),
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
        ("zyperf_fiscal_year", 2025),
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
    size = len((result[0] if isinstance(result, tuple) else result).getbuffer())
    _, top = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return top, size


def mb(n: float) -> str:
    return f"{n / 2**20:.1f} MB"


def main() -> None:
    data = Combined(summary(PROJECTS), tuple(project_targets(i) for i in range(PROJECTS)))
    sheets = record(data)

    def export():
        return build_combined(data, export_date=DAY)

    pairs = []  # each export next to a floor run, so a burst of other load hits both alike
    for _ in range(REPEATS):
        export_seconds = seconds(export)
        prepared = prepare_floor(sheets)
        pairs.append((export_seconds, seconds(lambda prepared=prepared: run_floor(prepared))))
    t_export, t_floor = median(p[0] for p in pairs), median(p[1] for p in pairs)
    ratio = median(e / f for e, f in pairs)
    m_export, size_export = peak(export)
    prepared = prepare_floor(sheets)
    m_floor, size_floor = peak(lambda: run_floor(prepared))
    cells = sum(1 for _, calls in sheets for c in calls if c[0].startswith("write"))
    print(f"\nCombined targets workbook, {PROJECTS} projects × {INDICATORS} indicators: {len(sheets)} sheets, "
          f"{cells:,} cell writes. Floor: the same xlsxwriter calls, replayed")  # fmt: skip
    print(
        f"  CPU    export {t_export:.2f} s, floor {t_floor:.2f} s (medians of {REPEATS}): {ratio:.2f}× (median of "
        "paired ratios; target ≤ 1.5×)"
    )
    print(f"  memory export {mb(m_export)}, floor {mb(m_floor)}: {m_export / m_floor:.2f}× (target ≤ 1.5×)")
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
