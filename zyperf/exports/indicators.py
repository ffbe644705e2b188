"""Indicator rows (§1.4): their order, the vertical merges of the 一级 and 二级 columns, and the cell
style of a value that is a number or a text."""

from collections.abc import Iterable, Sequence

from zyperf.exports.form import Form, a1_range
from zyperf.exports.model import Indicator


def sort_indicators(rows: Iterable[Indicator], catalog_order: Sequence[tuple[str, str]]) -> list[Indicator]:
    """一级 in catalog order, then 二级 in catalog order, then 序号 within the 二级. `catalog_order`
    lists the year's (一级, 二级) pairs in order; pairs outside it go last, in the order given."""
    level1: dict[str, int] = {}
    level2: dict[tuple[str, str], int] = {}
    for i, pair in enumerate(catalog_order):
        level1.setdefault(pair[0], len(level1))
        level2.setdefault(tuple(pair), i)
    last = len(catalog_order)
    return sorted(
        rows,
        key=lambda r: (level1.get(r.level1, last), level2.get((r.level1, r.level2), last), r.sequence),
    )


def runs(keys: Sequence) -> list[tuple[int, int]]:
    """(first, last) index of each maximal run of 2 or more equal keys."""
    found, start = [], 0
    for i in range(1, len(keys) + 1):
        if i == len(keys) or keys[i] != keys[start]:
            if i - 1 > start:
                found.append((start, i - 1))
            start = i
    return found


def level_runs(rows: Sequence[Indicator]) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Runs of equal 一级, and runs of equal (一级, 二级)."""
    return runs([r.level1 for r in rows]), runs([(r.level1, r.level2) for r in rows])


def level_merges(rows: Sequence[Indicator], first_row: int, col1: int) -> set[str]:
    """The A1 ranges merged in the 一级 column (zero-based `col1`) and the 二级 column next to it, for
    indicator rows starting at 1-based `first_row`: what an import expects for these rows."""
    runs1, runs2 = level_runs(rows)
    r0 = first_row - 1
    return {a1_range(r0 + a, col1, r0 + b, col1) for a, b in runs1} | {
        a1_range(r0 + a, col1 + 1, r0 + b, col1 + 1) for a, b in runs2
    }


def put_levels(form: Form, rows: Sequence[Indicator], first_row: int, col1: int) -> None:
    """一级 and 二级 values in columns col1, col1 + 1, merged per §1.4 (value once, center style)."""
    r0 = first_row - 1
    for col, found, attr in zip((col1, col1 + 1), level_runs(rows), ("level1", "level2"), strict=True):
        inside: set[int] = set()
        for a, b in found:
            form.merge_at(r0 + a, col, r0 + b, col)
            inside.update(range(a + 1, b + 1))
        for i, row in enumerate(rows):
            if i not in inside:
                form.put_at(r0 + i, col, getattr(row, attr), "center")


def value_style(value) -> str:
    """A quantitative value is a number cell, a qualitative one (or nothing) a text cell."""
    return "text" if value is None or isinstance(value, str) else "number"


def three_level_name(row: Indicator, *, star: bool = False) -> str:
    """三级指标, with ★ before it when the indicator is core and the table marks it (T-1, D-1)."""
    return f"★{row.name}" if star and row.core else row.name
