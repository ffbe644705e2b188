"""Stage-form definitions: reading and writing them (drafts, publish, versions, copy a year, JSON
import and export) and checking documents' data against them. The field types, their checkers and the
definition rules are the domain's (zyperf.domain.fields, .definition). Services flush; callers commit."""

import copy
import json

from sqlalchemy import func, select

from zyperf.domain.definition import Problem, check_definition
from zyperf.domain.fields import Context, validate_fields
from zyperf.domain.settings import YearSettings
from zyperf.domain.text import normalize_text
from zyperf.errors import InvalidTransition, ValidationFailed
from zyperf.extensions import db
from zyperf.models import (
    DefinitionStatus,
    DocumentKind,
    FiscalYear,
    FormDefinition,
    IndicatorCategory,
    StageDocument,
    User,
)
from zyperf.models.base import utcnow
from zyperf.permissions import Action, require
from zyperf.services import audit


class DefinitionLocked(InvalidTransition):
    """A published version, or one that documents use, cannot be changed or deleted (409)."""

    default_message = "已发布的表单版本不可修改，请新建版本"


class DefinitionInvalid(ValidationFailed):
    """A malformed definition: `fields` by field key for the API, and `problems` that name the option
    each message belongs to, for the designer."""

    def __init__(self, problems: list[Problem]):
        fields: dict[str, list[str]] = {}
        for problem in problems:
            fields.setdefault(problem.key, []).append(problem.message)
        super().__init__(f"表单定义有误：{problems[0].message}", fields=fields)
        self.problems = problems


def validate_definition(fields, kind: str | None = None) -> None:
    """Raise DefinitionInvalid unless the definition is well formed for its kind."""
    if problems := check_definition(fields, kind):
        raise DefinitionInvalid(problems)


def catalog_for(framework: str) -> tuple[tuple[str, str], ...]:
    """The (一级, 二级) pairs of an indicator framework, in catalog order."""
    rows = db.session.execute(
        select(IndicatorCategory.level1, IndicatorCategory.level2)
        .where(IndicatorCategory.framework == framework)
        .order_by(IndicatorCategory.sort_order, IndicatorCategory.id)
    )
    return tuple((a, b) for a, b in rows)


def check_context(
    fiscal_year: FiscalYear,
    *,
    complete: bool,
    settings: YearSettings | None = None,
    family: str | None = None,
    catalog=None,
) -> Context:
    """What checkers need for a year's forms: its catalog (loaded when a table asks), its settings."""
    settings = settings or fiscal_year.year_settings
    loader = (
        (lambda: tuple(catalog))
        if catalog is not None
        else (lambda: catalog_for(settings.indicator_framework))
    )
    return Context(loader, complete=complete, settings=settings, family=family)


def validate_data(
    definition: FormDefinition, data, *, complete: bool = True, ctx: Context | None = None, catalog=None
) -> dict:
    """The cleaned data (JSON-ready: amounts as strings, dates ISO) or ValidationFailed(fields=...).
    complete=False checks a draft (see Context)."""
    ctx = ctx or check_context(definition.fiscal_year, complete=complete, catalog=catalog)
    cleaned, errors = validate_fields(definition.fields, data, ctx)
    if errors:
        raise ValidationFailed(fields=errors)
    return cleaned


# ---------------------------------------------------------------------------------------------------
# Services


def _check_actor(actor: User | None) -> None:
    # actor None is the system itself (seeding); people need the admin's configuration right.
    if actor is not None:
        require(actor, Action.MANAGE_SETTINGS)


def _kind(kind) -> str:
    try:
        return DocumentKind(kind).value
    except ValueError:
        raise ValidationFailed(
            f"未知的文档类型“{str(kind)[:40]}”", fields={"kind": ["未知的文档类型"]}
        ) from None


def _plain(fields) -> list:
    """A deep, JSON-only copy, so the row never shares mutable structure with the caller."""
    return json.loads(json.dumps(fields, ensure_ascii=False))


def _next_version(kind: str, fiscal_year_id: int) -> int:
    current = db.session.scalar(
        select(func.max(FormDefinition.version)).where(
            FormDefinition.kind == kind, FormDefinition.fiscal_year_id == fiscal_year_id
        )
    )
    return (current or 0) + 1


def create_draft(
    kind, fiscal_year: FiscalYear, fields: list, *, actor: User | None, title: str = ""
) -> FormDefinition:
    """A new draft version of `kind`'s form in `fiscal_year`. ValidationFailed if malformed. Flushes."""
    _check_actor(actor)
    kind = _kind(kind)
    validate_definition(fields, kind)
    if not isinstance(title, str) or len(title) > 200:
        raise ValidationFailed("标题不得超过200字", fields={"title": ["标题不得超过200字"]})
    definition = FormDefinition(
        kind=kind,
        fiscal_year=fiscal_year,
        fiscal_year_id=fiscal_year.id,
        version=_next_version(kind, fiscal_year.id),
        status=DefinitionStatus.DRAFT.value,
        title=normalize_text(title),
        fields=_plain(fields),
        created_by_id=actor.id if actor else None,
    )
    db.session.add(definition)
    db.session.flush()
    audit.record(
        actor,
        "form_definition.create",
        definition,
        summary=f"{DocumentKind(kind).label} {fiscal_year.year}年 第{definition.version}版（草稿）",
    )
    db.session.flush()
    return definition


def update_draft(definition: FormDefinition, fields: list, *, actor: User | None) -> FormDefinition:
    """Replace a draft's fields. DefinitionLocked if published; ValidationFailed if malformed. Flushes."""
    _check_actor(actor)
    if definition.is_published:
        raise DefinitionLocked()
    validate_definition(fields, definition.kind)
    before = [f.get("key") for f in definition.fields]
    definition.fields = _plain(fields)
    audit.record(
        actor,
        "form_definition.update",
        definition,
        summary=f"修改第{definition.version}版草稿",
        changes={"keys": [before, [f["key"] for f in fields]]},
    )
    db.session.flush()
    return definition


def publish(definition: FormDefinition, *, actor: User | None) -> FormDefinition:
    """Publish a draft; from now on it never changes. DefinitionLocked if already published. Flushes."""
    _check_actor(actor)
    if definition.is_published:
        raise DefinitionLocked("该版本已发布")
    validate_definition(definition.fields, definition.kind)
    definition.status = DefinitionStatus.PUBLISHED.value
    definition.published_at = utcnow()
    definition.published_by_id = actor.id if actor else None
    audit.record(actor, "form_definition.publish", definition, summary=f"发布第{definition.version}版")
    db.session.flush()
    return definition


def new_draft_from(definition: FormDefinition, *, actor: User | None) -> FormDefinition:
    """A draft copy of `definition` as the next version of the same kind and year. Flushes."""
    return create_draft(
        definition.kind,
        definition.fiscal_year,
        copy.deepcopy(definition.fields),
        actor=actor,
        title=definition.title,
    )


def copy_year(from_year: FiscalYear, to_year: FiscalYear, *, actor: User | None) -> list[FormDefinition]:
    """Copy each kind's newest published definition of `from_year` into `to_year` as drafts. Flushes."""
    _check_actor(actor)
    made = []
    for kind in DocumentKind:
        source = published_definition(kind, from_year)
        if source is not None:
            made.append(
                create_draft(kind, to_year, copy.deepcopy(source.fields), actor=actor, title=source.title)
            )
    return made


def definition_in_use(definition: FormDefinition) -> bool:
    return (
        db.session.scalar(
            select(StageDocument.id)
            .where(
                StageDocument.kind == definition.kind,
                StageDocument.fiscal_year_id == definition.fiscal_year_id,
                StageDocument.form_version == definition.version,
            )
            .limit(1)
        )
        is not None
    )


def delete_draft(definition: FormDefinition, *, actor: User | None) -> None:
    """Delete an unused draft. DefinitionLocked if published or if a document uses it. Flushes."""
    _check_actor(actor)
    if definition.is_published:
        raise DefinitionLocked("已发布的表单版本不可删除")
    if definition_in_use(definition):
        raise DefinitionLocked("已有文档使用此表单版本，不可删除")
    audit.record(actor, "form_definition.delete", definition, summary=f"删除第{definition.version}版草稿")
    db.session.delete(definition)
    db.session.flush()


def _year_id(year: FiscalYear | int) -> int | None:
    if isinstance(year, FiscalYear):
        return year.id
    return db.session.scalar(select(FiscalYear.id).where(FiscalYear.year == year))


def published_definition(kind, year: FiscalYear | int) -> FormDefinition | None:
    """The newest published definition of `kind` for a fiscal year (object or year number), or None."""
    try:
        kind = DocumentKind(kind).value
    except ValueError:
        return None
    year_id = _year_id(year)
    if year_id is None:
        return None
    return db.session.scalar(
        select(FormDefinition)
        .where(
            FormDefinition.kind == kind,
            FormDefinition.fiscal_year_id == year_id,
            FormDefinition.status == DefinitionStatus.PUBLISHED,
        )
        .order_by(FormDefinition.version.desc())
        .limit(1)
    )


def definition_version(kind, year: FiscalYear | int, version: int) -> FormDefinition | None:
    """The definition a document was filled with (its kind, year and form_version)."""
    year_id = _year_id(year)
    return db.session.scalar(
        select(FormDefinition).where(
            FormDefinition.kind == str(kind),
            FormDefinition.fiscal_year_id == year_id,
            FormDefinition.version == version,
        )
    )


EXPORT_FORMAT = "zyperf.form-definition"


def export_json(definition: FormDefinition) -> dict:
    """A JSON-ready dict; import_json of it gives an identical `fields` list."""
    return {
        "format": EXPORT_FORMAT,
        "format_version": 1,
        "kind": definition.kind,
        "year": definition.fiscal_year.year,
        "version": definition.version,
        "status": definition.status,
        "title": definition.title,
        "fields": copy.deepcopy(definition.fields),
    }


def import_json(data, *, fiscal_year: FiscalYear, actor: User | None) -> FormDefinition:
    """A new draft in `fiscal_year` from exported JSON (a dict, or its text). ValidationFailed with a
    Chinese message when the JSON or its shape is malformed. Flushes."""
    if isinstance(data, bytes | str):
        try:
            data = json.loads(data)
        except (ValueError, RecursionError):
            raise ValidationFailed(
                "导入文件不是有效的 JSON", fields={"file": ["导入文件不是有效的 JSON"]}
            ) from None
    if not isinstance(data, dict):
        raise ValidationFailed("导入内容应为 JSON 对象", fields={"file": ["导入内容应为 JSON 对象"]})
    if data.get("format", EXPORT_FORMAT) != EXPORT_FORMAT:
        raise ValidationFailed("导入文件不是表单定义", fields={"file": ["导入文件不是表单定义"]})
    if "fields" not in data or "kind" not in data:
        raise ValidationFailed(
            "导入内容缺少 kind 或 fields", fields={"file": ["导入内容缺少 kind 或 fields"]}
        )
    title = data.get("title", "")
    if not isinstance(title, str):
        raise ValidationFailed("标题应为文本", fields={"title": ["标题应为文本"]})
    return create_draft(data["kind"], fiscal_year, data["fields"], actor=actor, title=title)
