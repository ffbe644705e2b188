"""Complete, valid data for any stage form definition: what a diligent staff member would enter."""

import re
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from zyperf.domain import indicators, tables
from zyperf.domain.figures import EXANTE_ASPECTS
from zyperf.extensions import db
from zyperf.models import DocumentKind, FiscalYear, FormDefinition, StageDocument
from zyperf.services import definitions, document_data


def indicator_rows(field: dict) -> list[dict]:
    total = Decimal(str(field.get("weight_total", 90)))
    half = total / 2
    rows = [
        {"level1": "产出指标", "level2": "数量指标", "level3": "完成规划编制数量", "nature": "≥",
         "value": "20", "unit": "个", "weight": str(half)},
        {"level1": "效益指标", "level2": "社会效益指标", "level3": "规划指导作用", "nature": "定性",
         "value": "效果明显", "unit": "", "weight": str(total - half)},
    ]  # fmt: skip
    return [fill_row(field, row) for row in rows]


def fill_row(field: dict, row: dict) -> dict:
    """A promise row with what happened filled in, as the table's mode asks (all targets met)."""
    mode = indicators.mode(field)
    qualitative = row["nature"] == "定性"
    if mode == "legacy" and field.get("extra_columns"):
        return row | {"actual": row["value"], "reason": ""}
    if mode == "monitoring":
        return row | {"actual": row["value"], "expected": row["value"], "likelihood": "certain", "causes": []}
    if mode == "evaluation":
        extra = (
            {"actual": "效果明显", "grade": "达成年度指标", "score_entered": row["weight"]}
            if qualitative
            else {}
        )
        return row | {"actual": row["value"]} | extra
    return row


def value_for(field: dict, family: str | None = None):
    kind = field["type"]
    low = field.get("min")
    if kind == "text":
        if pattern := field.get("pattern"):
            return next(
                c for c in ("028-26621234", "13800000000", "ABC123", "测试内容") if re.fullmatch(pattern, c)
            )
        return "测试内容"
    if kind == "long_text":
        return "按计划推进，完成情况良好。"
    if kind == "integer":
        return int(low) if low is not None else 1
    if kind in ("decimal", "percent"):
        value = max(Decimal("50.00"), Decimal(str(low)) if low is not None else Decimal(0))
        return str(min(value, Decimal(str(field["max"]))) if field.get("max") is not None else value)
    if kind == "date":
        return "2026-06-30"
    if kind == "choice":
        return field["choices"][0][0]
    if kind == "multi_choice":
        return [field["choices"][0][0]]
    if kind == "yes_no":
        return True
    if kind == "file":
        return {"name": f"附件.{(field.get('accept') or ['pdf'])[0]}", "size": 1024}
    if kind == "indicator_table":
        return indicator_rows(field)
    if kind == "fund_table":  # everything spent as budgeted
        return {"fiscal": dict.fromkeys(tables.fund_columns(field), "100.00")}
    if kind == "rating_table":
        return [{"rating": "优", "opinion": ""} for _, subs in EXANTE_ASPECTS for _ in subs]
    if kind == "task_table":
        return [
            {
                "name": "国土空间规划编制",
                "content": "完成市级国土空间总体规划报批",
                "fiscal": "800",
                "other": "200",
            }
        ]
    if kind == "problem_table":
        return [problem_row()]
    if kind == "computed":
        return None
    raise ValueError(kind)


def problem_row(**values) -> dict:
    """One complete problem of a rectification report, due in a month (never backdated)."""
    return {
        "source": "self",
        "type": "预算执行",
        "description": "预算执行率偏低",
        "measures": "加快项目支付进度",
        "responsible_unit": "规划科",
        "responsible_person": "陈晓",
        "deadline": (date.today() + timedelta(days=30)).isoformat(),
        "status": "in_progress",
    } | values


def complete_data(kind: str, year: int = 2026) -> dict:
    """Every field of the year's published form of `kind`, filled validly (no indicators carried)."""
    fy = db.session.scalar(select(FiscalYear).where(FiscalYear.year == year))
    definition: FormDefinition = definitions.published_definition(DocumentKind(kind), fy)
    data = {f["key"]: value_for(f) for f in definition.fields if f["type"] != "computed"}
    return definitions.validate_data(definition, data)


def complete_document_data(document: StageDocument) -> dict:
    """The document's own data made complete: carried indicators get their results, the rest filled."""
    definition = document_data.definition_of(document)
    data = dict(document.data or {})
    for field in definition.fields:
        key, value = field["key"], data.get(field["key"])
        if field["type"] == "computed":
            continue
        if field["type"] == "indicator_table" and value:
            data[key] = [fill_row(field, row) for row in value]
        elif field["type"] == "fund_table" and tables.funds_filled(value):
            data[key] = {
                source: {
                    c: row.get("adjusted", row.get(c)) if c in ("executed", "expected") else row[c]
                    for c in row
                }
                for source, row in value.items()
            }
        elif value in (None, "", [], {}):
            data[key] = value_for(field, document.template_family)
    return data
