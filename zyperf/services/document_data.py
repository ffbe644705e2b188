"""A document's data against its form: cleaning, the promise carried from the targets, the figures
and the rules of §5, computed fields. Shared by the document, workflow and review services, the
pages, the API, exports and imports, so a figure is computed in one place."""

import datetime as dt
import json

from zyperf import clock
from zyperf.domain import carried, indicators, problems, rules, stages
from zyperf.domain.fields import Context, validate_fields
from zyperf.domain.settings import YearSettings
from zyperf.domain.text import period_label
from zyperf.errors import ValidationFailed
from zyperf.models import FormDefinition, StageDocument
from zyperf.services import definitions

MAX_DATA_BYTES = 2_000_000
# Kinds that start from final targets and keep their promise (S8; D1 for the department).
CARRYING_KINDS = frozenset({"monitoring", "self_evaluation", "department_evaluation"})
# Which setting names the table family a document of each kind records when it is created (§2).
FAMILY_SETTINGS = {
    "performance_targets": "family_targets",
    "target_adjustment": "family_targets",
    "monitoring": "family_monitoring",
    "self_evaluation": "family_self_evaluation",
}


def definition_of(document: StageDocument) -> FormDefinition | None:
    """The form version the document was created with; it keeps it until moved explicitly."""
    if document.form_version is None:
        return None
    return definitions.definition_version(document.kind, document.fiscal_year, document.form_version)


def document_settings(document: StageDocument) -> YearSettings:
    """The settings a document computes with: as they stood at its last submission, else its year's."""
    if document.settings_snapshot:
        return YearSettings.from_json(document.settings_snapshot)
    return document.fiscal_year.year_settings


def family_for(kind: str, settings: YearSettings) -> str | None:
    name = FAMILY_SETTINGS.get(kind)
    return getattr(settings, name) if name else None


def context_for(document: StageDocument, *, complete: bool, catalog=None) -> Context:
    return definitions.check_context(
        document.fiscal_year,
        complete=complete,
        settings=document_settings(document),
        family=document.template_family,
        catalog=catalog,
    )


def carries(document: StageDocument) -> bool:
    """Monitoring and evaluation documents started from final targets keep their promise (S8), and
    so does the department evaluation started from final department targets (D1)."""
    return document.kind in CARRYING_KINDS and document.parent_id is not None


def settings_changed(document: StageDocument) -> bool:
    """The year's settings changed after the document was submitted (its figures keep the old ones)."""
    return bool(document.settings_snapshot) and (
        document.settings_snapshot != document.fiscal_year.year_settings.to_json()
    )


def _computed_specs(definition: FormDefinition) -> list[dict]:
    return [f for f in definition.fields if f["type"] == "computed"]


def fill_computed(definition: FormDefinition, kind: str, data: dict, figures: dict) -> dict:
    for spec in _computed_specs(definition):
        data[spec["key"]] = stages.stored(figures.get(spec["formula"]))
    return data


def _refused_computed(definition, data: dict, old: dict, new: dict) -> dict[str, list[str]]:
    """A request may carry computed values back unchanged (as stored, or as they now compute), never
    set one: 422 naming the field."""
    errors = {}
    for spec in _computed_specs(definition):
        key = spec["key"]
        if key in data and data[key] not in (old.get(key), new.get(key), None, ""):
            errors[key] = [f"「{spec['label']}」由系统根据填写内容计算，不能直接填写"]
    for spec in (f for f in definition.fields if f["type"] == "indicator_table"):
        sent, stored, made = data.get(spec["key"]), old.get(spec["key"]) or [], new.get(spec["key"]) or []
        for i, row in enumerate(sent if isinstance(sent, list) else [], start=1):
            for column in indicators.COMPUTED_COLUMNS & set(row if isinstance(row, dict) else ()):
                allowed = {_at(stored, i, column), _at(made, i, column), None, ""}
                if row[column] not in allowed:
                    label = indicators.EVALUATION_COLUMNS[column]
                    errors.setdefault(spec["key"], []).append(f"第{i}行：「{label}」由系统计算，不能直接填写")
    return errors


def _at(rows: list, index: int, column: str):
    return rows[index - 1].get(column) if index <= len(rows) and isinstance(rows[index - 1], dict) else None


def clean(
    document: StageDocument,
    data,
    *,
    complete: bool,
    definition: FormDefinition | None = None,
    refuse_computed: bool = False,
    today: dt.date | None = None,
    catalog=None,
) -> dict:
    """The data to store: checked against the document's form (a draft may be incomplete, never
    wrong), the carried promise kept, problems numbered and held to their deadlines (as of `today`),
    figures computed and the rules of §5 applied. Raises ValidationFailed with messages by field key.
    `catalog`: the indicator catalog, when the caller cleans many documents of one year (else it is
    read once per call)."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ValidationFailed("表单数据应为对象（键值对）")
    if len(json.dumps(data, ensure_ascii=False, default=str)) > MAX_DATA_BYTES:
        raise ValidationFailed("表单内容过大")
    definition = definition or definition_of(document)
    if definition is None:
        return data
    errors: dict[str, list[str]] = {}
    old = document.data or {}
    if carries(document) and isinstance(old.get("indicators"), list):
        label = next((f["label"] for f in definition.fields if f["key"] == "indicators"), "绩效指标")
        merged, row_errors = carried.merge_carried(old["indicators"], data.get("indicators"), label)
        data = {**data, "indicators": merged}
        if row_errors:
            errors["indicators"] = [str(e) for e in row_errors]
    settings = document_settings(document)
    ctx = context_for(document, complete=complete, catalog=catalog)
    cleaned, field_errors = validate_fields(definition.fields, data, ctx)
    for key, messages in field_errors.items():
        errors.setdefault(key, []).extend(messages)
    for key, messages in _number_problems(definition, old, cleaned, today or clock.today()).items():
        errors.setdefault(key, []).extend(messages)
    figures = stages.compute(document.kind, cleaned, settings, document.review)
    for key, messages in rules.rules(
        document.kind, cleaned, figures, settings, complete=complete, review=document.review
    ).items():
        errors.setdefault(key, []).extend(m for m in messages if m not in errors.get(key, []))
    cleaned = fill_computed(definition, document.kind, cleaned, figures)
    if refuse_computed:
        for key, messages in _refused_computed(definition, data, old, cleaned).items():
            errors.setdefault(key, []).extend(messages)
    if errors:
        raise ValidationFailed(fields=errors)
    return cleaned


def _number_problems(definition, old: dict, cleaned: dict, today: dt.date) -> dict[str, list[str]]:
    """Problem tables: each new problem gets its 序号, and no 整改时限 is backdated (problems.deadline_errors)."""
    errors = {}
    for spec in (f for f in definition.fields if f["type"] == "problem_table"):
        key = spec["key"]
        if not isinstance(cleaned.get(key), list):
            continue
        stored = old.get(key) if isinstance(old.get(key), list) else []
        cleaned[key] = problems.number_rows(stored, cleaned[key])
        if found := problems.deadline_errors(stored, cleaned[key], today):
            errors[key] = [str(e) for e in found]
    return errors


def preview(document: StageDocument, data: dict) -> tuple[dict, dict[str, list[str]]]:
    """What the figures would be with this data, and what is wrong in it; never raises. A wrong
    field counts with its stored value, so the rest still computes while a person types."""
    definition = definition_of(document)
    if definition is None:
        return document.data or {}, {}
    cleaned, errors = validate_fields(definition.fields, data, context_for(document, complete=False))
    for key in errors:
        cleaned[key] = (document.data or {}).get(key)
    figures = stages.compute(document.kind, cleaned, document_settings(document), document.review)
    return fill_computed(definition, document.kind, cleaned, figures), errors


def completeness_errors(document: StageDocument) -> dict[str, list[str]]:
    """What the document's form still lacks or gets wrong, by field key (empty when complete)."""
    definition = definition_of(document)
    if definition is None:
        return {} if document.data else {"data": ["尚未填写"]}
    try:
        clean(document, document.data or {}, complete=True, definition=definition)
    except ValidationFailed as err:
        return err.fields or {"data": [err.message]}
    return {}


def field_label(document: StageDocument, key: str) -> str:
    """A field's label as people read it this year (`{period}` filled in)."""
    definition = definition_of(document)
    label = next((f["label"] for f in definition.fields if f["key"] == key), key) if definition else key
    return label.replace("{period}", period_label(document_settings(document).monitoring_month))


def figures_of(document: StageDocument) -> dict:
    """The document's figures from its stored data and settings (pages, exports and ledgers read these)."""
    return stages.compute(document.kind, document.data or {}, document_settings(document), document.review)


def refresh(document: StageDocument) -> dict:
    """The stored data with computed fields recomputed (after a settings snapshot or a review flag)."""
    definition = definition_of(document)
    if definition is None:
        return document.data or {}
    return fill_computed(definition, document.kind, dict(document.data or {}), figures_of(document))
