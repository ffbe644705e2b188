"""From stage documents to what each table of excel-formats prints (zyperf.exports.model): T-1, M-1,
S-1/S-2, X-1, D-1 and D-2. Every figure is the document's own (document_data.figures_of, the scores
stored with its rows, domain.figures.layout_rows over tables.fund_rows), never computed a second way;
entered scores are what is written. Reads only what the caller loaded (documents with their project,
unit and parent), plus what a Sheets context caches once per export."""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from zyperf.domain import figures, indicators, tables, tasks
from zyperf.domain.settings import SystemSettings, YearSettings
from zyperf.domain.text import is_empty, to_decimal
from zyperf.exports import model
from zyperf.exports.indicators import sort_indicators
from zyperf.models import DocumentKind, FormDefinition, StageDocument, UnitKind
from zyperf.services import definitions, document_data
from zyperf.services.settings import system_settings

ZERO = Decimal(0)
# Self-evaluation family (excel-formats §2) → its fund layout (§4.3).
FUND_LAYOUTS = {"sichuan-510000": "sichuan", "central-2020": "central-2020"}
# A trailing telephone number in 项目负责人及电话 ("陈晓 028-26621234"): the S-1 footer shows the name.
_PHONE = re.compile(r"\s+[0-9+\-() ]{5,}$")


@dataclass
class Sheets:
    """What every sheet of one export shares, read once: the bureau's settings and, by need, each
    indicator framework's catalog and each form version's definition."""

    system: SystemSettings = field(default_factory=system_settings)
    _catalogs: dict[str, tuple] = field(default_factory=dict)
    _definitions: dict[tuple, FormDefinition | None] = field(default_factory=dict)

    def catalog(self, settings: YearSettings) -> tuple[tuple[str, str], ...]:
        framework = settings.indicator_framework
        if framework not in self._catalogs:
            self._catalogs[framework] = definitions.catalog_for(framework)
        return self._catalogs[framework]

    def definition(self, document: StageDocument) -> FormDefinition | None:
        key = (document.kind, document.fiscal_year_id, document.form_version)
        if key not in self._definitions:
            self._definitions[key] = document_data.definition_of(document)
        return self._definitions[key]

    def choice_label(self, document: StageDocument, key: str, value) -> str:
        """A choice field's label as the document's form names it (the stored value when unknown)."""
        definition = self.definition(document)
        spec = next((f for f in definition.fields if f["key"] == key), {}) if definition else {}
        return dict(spec.get("choices") or []).get(value, "" if value is None else str(value))


def project_of(document: StageDocument, sheets: Sheets) -> model.Project:
    """主管部门 is the bureau; 实施单位 the bureau for an internal section's project, else the unit (§1.2)."""
    project, bureau = document.project, sheets.system.bureau_name
    unit = bureau if project.unit.kind == UnitKind.SECTION else project.unit.name
    return model.Project(name=project.name, code=project.code or "", department=bureau, unit=unit)


def contact_name(text: str) -> str:
    """项目负责人 out of 项目负责人及电话: the text without a trailing telephone number."""
    return _PHONE.sub("", (text or "").strip())


def text(data: dict, key: str) -> str:
    value = data.get(key)
    return "" if value is None else str(value)


def value_of(raw, nature: str) -> model.Value:
    """指标值 or 完成值: text for 定性, else the number (None while empty)."""
    if nature == indicators.QUALITATIVE:
        return "" if is_empty(raw) else str(raw)
    return to_decimal(raw)


def rows_of(data: dict) -> list[dict]:
    return [r for r in data.get("indicators") or [] if isinstance(r, dict)]


def indicators_of(document: StageDocument, sheets: Sheets) -> tuple[model.Indicator, ...]:
    """The document's indicator rows with what its table shows of them, in catalog order (§1.4)."""
    settings = document_data.document_settings(document)
    found = []
    for position, row in enumerate(rows_of(document.data or {})):
        nature = row.get("nature") or ""
        causes = frozenset(indicators.CAUSES.get(c, "") for c in row.get("causes") or []) - {""}
        found.append(
            model.Indicator(
                level1=row.get("level1") or "",
                level2=row.get("level2") or "",
                name=row.get("level3") or "",
                nature=nature,
                target=value_of(row.get("value"), nature),
                unit=row.get("unit") or "",
                weight=to_decimal(row.get("weight")),
                core=row.get("core") is True,
                sequence=position,
                actual=value_of(row.get("actual"), nature),
                score=to_decimal(row.get("score")),
                reason=row.get("reason") or "",
                to_date=value_of(row.get("actual"), nature),
                forecast=value_of(row.get("expected"), nature),
                causes=causes,
                likelihood=indicators.LIKELIHOODS.get(row.get("likelihood") or "", ""),
                remark=row.get("remark") or "",
            )
        )
    return tuple(sort_indicators(found, sheets.catalog(settings)))


def fund(row: figures.FundRow) -> model.Fund:
    return model.Fund(row.initial, row.adjusted, row.executed, row.rate, row.expected or ZERO)


def funds_of(data: dict, layout: str, **columns) -> list[model.Fund]:
    """The table's fund rows (§4.3) from the stored sources."""
    rows = tables.fund_rows(data.get("funds") if isinstance(data.get("funds"), dict) else {}, **columns)
    return [fund(row) for _, row in figures.layout_rows(rows, layout)]


def goal_of(document: StageDocument) -> str:
    """年度目标 of the final targets the document carries (its own for targets)."""
    source = document.parent if document.parent is not None else document
    return text(source.data or {}, "annual_goal")


def evaluation_weight(data: dict) -> Decimal:
    """10 (budget execution) + Σ权重: the 合计 of S-1, S-2 and D-2."""
    return figures.BUDGET_WEIGHT + indicators.weight_total(rows_of(data))


# --- Per-project tables ----------------------------------------------------------------------------


def targets_of(document: StageDocument, sheets: Sheets) -> model.Targets:
    """T-1 from a 绩效目标 document."""
    data = document.data or {}
    total, fiscal, other = funds_of(data, "central", initial="amount", adjusted="amount", executed="amount")
    return model.Targets(
        fiscal_year=document.fiscal_year.year,
        project=project_of(document, sheets),
        manager=text(data, "manager"),
        phone="",
        total=total.initial,
        fiscal=fiscal.initial,
        other=other.initial,
        goal=text(data, "annual_goal"),
        indicators=indicators_of(document, sheets),
        weight_total=document_data.figures_of(document).get("weight_total") or ZERO,
        family=document.template_family or "central-annual",
    )


def monitoring_of(document: StageDocument, sheets: Sheets) -> model.Monitoring:
    """M-1 from a 绩效监控 document; the period is the month of the document's settings."""
    data = document.data or {}
    return model.Monitoring(
        fiscal_year=document.fiscal_year.year,
        month=document_data.document_settings(document).monitoring_month,
        project=project_of(document, sheets),
        funds=tuple(funds_of(data, "central")),
        deviation_reason=text(data, "deviation_reason"),
        goal=goal_of(document),
        indicators=indicators_of(document, sheets),
        bureau_code=sheets.system.bureau_code,
        family=document.template_family or "central-monitor",
    )


def evaluation_of(document: StageDocument, sheets: Sheets) -> model.SelfEvaluation:
    """S-1 or S-2, by the family the document was created with."""
    data, figs = document.data or {}, document_data.figures_of(document)
    family = document.template_family or "sichuan-510000"
    targets = document.parent.data if document.parent is not None else {}
    return model.SelfEvaluation(
        fiscal_year=document.fiscal_year.year,
        family=family,
        project=project_of(document, sheets),
        funds=tuple(funds_of(data, FUND_LAYOUTS.get(family, "sichuan"))),
        budget_score=figs.get("budget_score"),
        indicators=indicators_of(document, sheets),
        weight_total=evaluation_weight(data),
        total_score=figs.get("total_score"),
        goal=goal_of(document),
        completion=text(data, "goal_completion"),
        process_summary=text(data, "implementation"),
        rate_reason=text(data, "execution_reason"),
        adjustment_reason=text(data, "adjustment_reason"),
        conclusion=text(data, "conclusion"),
        problems=text(data, "problems"),
        improvements=text(data, "measures"),
        manager=contact_name(text(targets or {}, "manager")),
        finance_manager=sheets.system.finance_head,
        report_code=document_data.document_settings(document).report_code_self_evaluation,
    )


def exante_items(document: StageDocument) -> tuple[model.ExanteItem, ...]:
    """The 20 sub-items with their ratings, each rating's points by the document's settings."""
    settings = document_data.document_settings(document)
    points = settings.exante_rating_points
    rows = [r for r in (document.data or {}).get("ratings") or [] if isinstance(r, dict)]
    names = [item for _, items in figures.EXANTE_ASPECTS for item in items]
    if len(rows) != len(names):  # a draft saved before any rating: the default sub-items, unrated
        rows = [{"item": name} for name in names]
    return tuple(
        model.ExanteItem(
            name=row.get("item") or "",
            rating=row.get("rating") or None,
            score=points.get(row.get("rating") or ""),
            comment=row.get("opinion") or "",
            points=points[figures.EXANTE_RATINGS[0]],
        )
        for row in rows
    )


def exante_of(document: StageDocument, sheets: Sheets) -> model.Exante:
    """X-1 from a 事前绩效评估 document."""
    data, figs = document.data or {}, document_data.figures_of(document)
    items = exante_items(document)
    return model.Exante(
        fiscal_year=document.fiscal_year.year,
        project=project_of(document, sheets),
        requested=to_decimal(data.get("requested_amount")) or ZERO,
        method=sheets.choice_label(document, "method", data.get("method")),
        items=items,
        total=figs.get("total_score"),
        conclusion=figs.get("conclusion") or "",
        suggested=to_decimal(data.get("suggested_amount")),
        assessors=text(data, "assessors"),
        opinion=text(data, "overall_opinion"),
        points_total=sum((i.points for i in items), ZERO),
    )


# --- Department tables -----------------------------------------------------------------------------


def department_targets_of(document: StageDocument, sheets: Sheets) -> model.DepartmentTargets:
    """D-1 from the department targets."""
    data = document.data or {}
    rows = [r for r in data.get("tasks") or [] if isinstance(r, dict)]
    return model.DepartmentTargets(
        fiscal_year=document.fiscal_year.year,
        bureau=sheets.system.bureau_name,
        tasks=tuple(
            model.Task(
                text(r, "name"),
                text(r, "content"),
                *(to_decimal(r.get(k)) or ZERO for k in ("total", *tasks.AMOUNT_COLUMNS)),
            )
            for r in rows
        ),
        task_totals=tasks.task_totals(rows),
        goal=text(data, "annual_goal"),
        indicators=indicators_of(document, sheets),
        weight_total=document_data.figures_of(document).get("weight_total") or ZERO,
    )


def department_evaluation_of(
    document: StageDocument, sheets: Sheets, *, head: str = ""
) -> model.DepartmentSelfEvaluation:
    """D-2 from the department evaluation; `head` signs as 部门负责人."""
    data, figs = document.data or {}, document_data.figures_of(document)
    return model.DepartmentSelfEvaluation(
        fiscal_year=document.fiscal_year.year,
        bureau=sheets.system.bureau_name,
        contact=text(data, "contact"),
        phone=text(data, "phone"),
        goal=text(data, "annual_goal"),
        completion=text(data, "goal_completion"),
        tasks_summary=text(data, "tasks_completion"),
        funds=tuple(funds_of(data, "sichuan")),
        budget_score=figs.get("budget_score"),
        indicators=indicators_of(document, sheets),
        weight_total=evaluation_weight(data),
        total_score=figs.get("total_score"),
        rate_reason=text(data, "execution_reason"),
        adjustment_reason=text(data, "adjustment_reason"),
        conclusion=text(data, "conclusion"),
        problems=text(data, "problems"),
        improvements=text(data, "measures"),
        head=head,
        finance_manager=sheets.system.finance_head,
    )


# The per-project table of each document kind that has one.
FORMS = {
    DocumentKind.PERFORMANCE_TARGETS.value: targets_of,
    DocumentKind.MONITORING.value: monitoring_of,
    DocumentKind.SELF_EVALUATION.value: evaluation_of,
    DocumentKind.EX_ANTE_ASSESSMENT.value: exante_of,
}
