"""The fund-source table (excel-formats §4.3) and the ex-ante rating table (§4.8, X1)."""

from decimal import Decimal

from zyperf.domain.figures import EXANTE_ASPECTS, EXANTE_RATINGS, FundRow
from zyperf.domain.text import FieldError, check_amount, check_text, is_empty

FUND_SOURCES = {
    "fiscal": "财政资金",
    "special": "财政专户管理资金",
    "unit": "单位资金",
    "other": "其他资金",
}
CARRYOVER = "carryover"
CARRYOVER_LABEL = "其中：上年结转资金"
CARRYOVER_FAMILY = "central-2020"  # S-2 prints 上年结转资金 (part of 财政资金)
FUND_COLUMNS = {
    "amount": "金额",
    "initial": "年初预算数",
    "adjusted": "调整后预算数",
    "executed": "执行数",
    "expected": "全年预计执行数",
}
ZERO = Decimal("0.00")


def fund_columns(spec: dict) -> list[str]:
    return list(spec.get("columns") or ["amount"])


def fund_sources(spec: dict, family: str | None) -> list[str]:
    sources = list(FUND_SOURCES)
    if spec.get("carryover") and family == CARRYOVER_FAMILY:
        sources.append(CARRYOVER)
    return sources


def source_label(source: str) -> str:
    return CARRYOVER_LABEL if source == CARRYOVER else FUND_SOURCES[source]


def column_label(spec: dict, column: str) -> str:
    return (spec.get("labels") or {}).get(column) or FUND_COLUMNS[column]


def check_funds(spec: dict, value, *, family: str | None, complete: bool) -> dict:
    """{source: {column: "0.00"}} for every source and column the table shows (blank cells are 0),
    or FieldError naming each bad cell. 总额 is never stored: it is the sum of the sources."""
    label = spec["label"]
    if value is None:
        value = {}
    if not isinstance(value, dict):
        raise FieldError(f"{label}格式有误")
    columns, sources = fund_columns(spec), fund_sources(spec, family)
    errors: list[str] = []
    if unknown := set(value) - set(sources):
        errors.append(f"{label}含有未知的资金来源：{'、'.join(sorted(str(k)[:20] for k in unknown)[:5])}")
    cleaned: dict[str, dict[str, str]] = {}
    for source in sources:
        row = value.get(source) or {}
        if not isinstance(row, dict) or set(row) - set(columns):
            errors.append(f"{source_label(source)}：格式有误")
            continue
        cleaned[source] = {}
        for column in columns:
            cell = row.get(column)
            where = f"{source_label(source)}·{column_label(spec, column)}"
            try:
                amount = ZERO if is_empty(cell) else check_amount(cell, where)
            except FieldError as exc:
                errors.extend(exc.messages)
                amount = ZERO
            cleaned[source][column] = str(amount)
    if not errors and CARRYOVER in cleaned:
        for column in columns:
            if Decimal(cleaned[CARRYOVER][column]) > Decimal(cleaned["fiscal"][column]):
                errors.append(f"上年结转资金（{column_label(spec, column)}）不得超过财政资金")
    positive = spec.get("positive")
    if complete and not errors and positive in columns and fund_total(cleaned, positive) <= 0:
        errors.append(f"年度资金总额（{column_label(spec, positive)}）应大于0")
    if errors:
        raise FieldError(*errors)
    return cleaned


def funds_filled(value) -> bool:
    return isinstance(value, dict) and any(
        isinstance(row, dict) and any(str(v) not in ("", "0", "0.00", "None") for v in row.values())
        for row in value.values()
    )


def fund_amount(value, source: str, column: str) -> Decimal:
    try:
        return Decimal(str(((value or {}).get(source) or {}).get(column) or "0"))
    except ArithmeticError:
        return ZERO


def fund_total(value, column: str) -> Decimal:
    """总额 of a column: the four sources (上年结转资金 is inside 财政资金, never added again)."""
    return sum((fund_amount(value, s, column) for s in FUND_SOURCES), ZERO)


def fund_rows(value, *, initial="initial", adjusted="adjusted", executed="executed") -> dict[str, FundRow]:
    """Each stored source (and 上年结转资金 when present) as a FundRow for the figures."""
    rows = {}
    for source in [*FUND_SOURCES, *([CARRYOVER] if CARRYOVER in (value or {}) else [])]:
        expected = (value or {}).get(source, {}).get("expected")
        rows[source] = FundRow(
            fund_amount(value, source, initial),
            fund_amount(value, source, adjusted),
            fund_amount(value, source, executed),
            None if expected is None else fund_amount(value, source, "expected"),
        )
    return rows


# ---------------------------------------------------------------------------------------------------
# The ex-ante rating table: 20 sub-items rated 优/良/中/差, each with an opinion (X1).


def rating_items(spec: dict) -> list[tuple[str, str]]:
    """(aspect, sub-item) in order, from the definition's `items` or the default of §6.5."""
    items = spec.get("items") or [[aspect, list(subs)] for aspect, subs in EXANTE_ASPECTS]
    return [(aspect, sub) for aspect, subs in items for sub in subs]


def check_ratings(spec: dict, value, *, complete: bool) -> list[dict]:
    items = rating_items(spec)
    if not isinstance(value, list | tuple) or len(value) > len(items):
        raise FieldError(f"{spec['label']}应为{len(items)}个评估要点的评价")
    errors: list[str] = []
    rows = []
    for i, (aspect, item) in enumerate(items):
        raw = value[i] if i < len(value) else {}
        if not isinstance(raw, dict) or set(raw) - {"aspect", "item", "rating", "opinion"}:
            errors.append(f"「{item}」格式有误")
            continue
        if raw.get("item") not in (None, "", item):
            errors.append(f"第{i + 1}项应为「{item}」，而不是「{str(raw['item'])[:30]}」")
        rating = raw.get("rating") or ""
        if rating not in ("", *EXANTE_RATINGS):
            errors.append(f"「{item}」的评价等级应为 优、良、中、差 之一")
            rating = ""
        elif complete and not rating:
            errors.append(f"「{item}」请选择评价等级")
        try:
            opinion = (
                "" if is_empty(raw.get("opinion")) else check_text(raw["opinion"], f"「{item}」评估意见", 100)
            )
        except FieldError as exc:
            errors.extend(exc.messages)
            opinion = ""
        rows.append({"aspect": aspect, "item": item, "rating": rating, "opinion": opinion})
    if errors:
        raise FieldError(*errors)
    return rows
