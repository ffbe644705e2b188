"""Complete, valid data for any stage form definition: what a diligent staff member would enter."""

import re
from decimal import Decimal

from zyperf.models import DocumentKind, FiscalYear, FormDefinition
from zyperf.services import definitions


def indicator_rows(field: dict) -> list[dict]:
    total = Decimal(str(field.get("weight_total", 90)))
    half = total / 2
    rows = [
        {"level1": "产出指标", "level2": "数量指标", "level3": "完成规划编制数量", "nature": "≥",
         "value": "20", "unit": "个", "weight": str(half)},
        {"level1": "效益指标", "level2": "社会效益指标", "level3": "规划指导作用", "nature": "定性",
         "value": "效果明显", "unit": "", "weight": str(total - half)},
    ]  # fmt: skip
    if field.get("extra_columns"):
        rows[0] |= {"actual": "20", "reason": ""}
        rows[1] |= {"actual": "效果明显", "reason": ""}
    return rows


def value_for(field: dict):
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
        return str(Decimal(str(low)) if low is not None else Decimal("50.00"))
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
    raise ValueError(kind)


def complete_data(kind: str, year: int = 2026) -> dict:
    """Every field of the year's published form of `kind`, filled validly."""
    from sqlalchemy import select

    from zyperf.extensions import db

    fy = db.session.scalar(select(FiscalYear).where(FiscalYear.year == year))
    definition: FormDefinition = definitions.published_definition(DocumentKind(kind), fy)
    data = {f["key"]: value_for(f) for f in definition.fields}
    return definitions.validate_data(definition, data)
