"""S8: in monitoring and evaluation the promise (一级 … 权重) is carried from the final targets and
stays as it was; only what happened is entered."""

from zyperf.domain.indicators import (
    CARRIED,
    EVALUATION_COLUMNS,
    MONITORING_COLUMNS,
    TARGET_COLUMNS,
    RowError,
    canonical_nature,
)
from zyperf.domain.text import FieldError, parse_number, to_decimal


def carry(target_rows: list[dict], table_mode: str) -> list[dict]:
    """New monitoring or evaluation rows from the final targets: the promise, nothing entered."""
    blank = MONITORING_COLUMNS if table_mode == "monitoring" else EVALUATION_COLUMNS
    return [
        {c: row.get(c, "" if c != "core" else False) for c in CARRIED}
        | {c: [] if c == "causes" else "" for c in blank}
        for row in target_rows
    ]


def merge_carried(stored: list[dict], submitted, label: str) -> tuple[list | object, list[RowError]]:
    """S8: rows whose promise is carried from the final targets keep it. The submitted rows must be
    as many as the stored ones; a carried cell sent with another value is refused (it names the row
    and column); a carried cell left out is taken from the stored row."""
    if not isinstance(submitted, list | tuple):
        return submitted, []
    if len(submitted) != len(stored):
        return submitted, [
            RowError(None, None, f"{label}来自已批复的绩效目标，不能增删行（应为{len(stored)}行）")
        ]
    errors, merged = [], []
    for index, (old, new) in enumerate(zip(stored, submitted, strict=True), start=1):
        if not isinstance(new, dict):
            merged.append(new)
            continue
        for column in CARRIED:
            if column in new and _differs(new[column], old.get(column), column):
                errors.append(
                    RowError(index, column, f"{TARGET_COLUMNS[column]}来自已批复的绩效目标，不能修改")
                )
        merged.append({**new, **{c: old.get(c) for c in CARRIED}})
    return merged, errors


def _differs(new, old, column: str) -> bool:
    if column == "core":
        return bool(new) != bool(old) and str(new).strip() not in ("", "否")
    if column == "nature":
        return canonical_nature(new) != old
    if column in ("value", "weight") and (stored := to_decimal(old)) is not None:
        try:
            return parse_number(new, column) != stored
        except FieldError:
            return True
    return ("" if new is None else str(new).strip()) != ("" if old is None else str(old))
