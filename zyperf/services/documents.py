"""Stage documents: create, edit (stale edits refused, field-level history), completeness, effects of finality."""

import hashlib
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from zyperf.domain import carried, tables, tasks
from zyperf.domain.files import check_file_meta
from zyperf.domain.text import FieldError, normalize_text
from zyperf.errors import InvalidTransition, PermissionDenied, ValidationFailed
from zyperf.extensions import db
from zyperf.models import (
    Attachment,
    DocumentEvent,
    DocumentKind,
    DocumentRevision,
    FiscalYear,
    FormDefinition,
    Project,
    StageDocument,
    User,
)
from zyperf.models.base import utcnow
from zyperf.permissions import DENIAL_MESSAGES, Action, can, require
from zyperf.services import audit, definitions, document_data, rectification
from zyperf.services.locking import check_version, flush_or_stale
from zyperf.transitions import State, state_label, workflow_for


def _targets_of(project: Project, fiscal_year_id: int) -> StageDocument | None:
    return db.session.scalar(
        select(StageDocument).where(
            StageDocument.project_id == project.id,
            StageDocument.fiscal_year_id == fiscal_year_id,
            StageDocument.kind == DocumentKind.PERFORMANCE_TARGETS.value,
        )
    )


def _funds(spec: dict, amounts: dict, family: str | None, carryover) -> dict:
    """A fund table prefilled with the budget: every column that holds a budget gets the amounts."""
    budget_columns = [c for c in tables.fund_columns(spec) if c in ("amount", "initial", "adjusted")]
    sources = tables.fund_sources(spec, family)
    amounts = {**amounts, tables.CARRYOVER: carryover}
    return {s: {c: str(amounts.get(s) or "0.00") for c in budget_columns} for s in sources}


def _budget(project: Project | None, targets) -> tuple[dict | None, Decimal]:
    """The amounts by fund source that a new document's budget columns start with, and 上年结转资金:
    the final targets' (a project's fund table; the department's tasks, 财政拨款 and 其他资金), else
    the project's own; None when there is neither."""
    if targets is not None and targets.kind == DocumentKind.DEPARTMENT_TARGETS:
        _, fiscal, other = tasks.task_totals((targets.data or {}).get("tasks"))
        return {"fiscal": fiscal, "other": other}, Decimal(0)
    if project is None:
        return None, Decimal(0)
    if targets is not None and isinstance((targets.data or {}).get("funds"), dict):
        funds = targets.data["funds"]
        return {
            s: tables.fund_amount(funds, s, "amount") for s in tables.FUND_SOURCES
        }, project.carryover_amount
    return project.fund_amounts, project.carryover_amount


def _prefill(
    kind: DocumentKind, definition: FormDefinition, project: Project | None, targets, family: str | None
) -> dict:
    """What a new document starts with: the budget, and the final targets' promise (their indicators,
    read-only, their amounts and their goal) for monitoring and evaluation (carried, not retyped)."""
    amounts, carryover = _budget(project, targets)
    data: dict = {}
    for spec in definition.fields:
        key = spec["key"]
        if spec["type"] == "fund_table" and amounts is not None:
            data[key] = _funds(spec, amounts, family, carryover)
        elif (
            spec["type"] == "indicator_table"
            and targets is not None
            and spec.get("mode") in ("monitoring", "evaluation")
        ):
            data[key] = carried.carry(targets.data.get("indicators") or [], spec["mode"])
        elif key == "annual_goal" and targets is not None and spec["type"] == "long_text":
            data[key] = (targets.data or {}).get(key)
        elif key == "requested_amount" and kind is DocumentKind.EX_ANTE_ASSESSMENT and project:
            data[key] = str(project.total_amount)
    return data


def _promise_of(kind: DocumentKind, project: Project | None, unit_id: int, fiscal_year_id: int):
    """The final targets a new document of `kind` stands on, or None: a project's targets for its
    monitoring and self-evaluation, the department targets for the department evaluation."""
    if kind.value not in document_data.CARRYING_KINDS:
        return None
    if project is not None:
        targets = _targets_of(project, fiscal_year_id)
    else:
        targets = db.session.scalar(
            select(StageDocument).where(
                StageDocument.project_id.is_(None),
                StageDocument.unit_id == unit_id,
                StageDocument.fiscal_year_id == fiscal_year_id,
                StageDocument.kind == DocumentKind.DEPARTMENT_TARGETS.value,
            )
        )
    return targets if targets is not None and targets.state == State.FINAL else None


def create_document(
    kind: str,
    *,
    actor: User,
    project: Project | None = None,
    fiscal_year: FiscalYear | None = None,
    data: dict | None = None,
    today: date | None = None,
) -> StageDocument:
    """A new document in its workflow's initial state. Project kinds are one per project and year, except
    target adjustments, which need approved targets; department kinds are one per year. `today` is the
    day problems' deadlines are judged by (default: today). Raises PermissionDenied/InvalidTransition.
    Flushes."""
    try:
        kind = DocumentKind(kind)
    except ValueError:
        raise ValidationFailed(f"未知的文档类型：{kind}", fields={"kind": ["未知的文档类型"]}) from None
    if kind.is_department_wide:
        if fiscal_year is None:
            raise ValidationFailed("请指定预算年度", fields={"year": ["请指定预算年度"]})
        unit = actor.unit
        if unit is None or not unit.is_finance:
            raise PermissionDenied(DENIAL_MESSAGES[Action.CREATE_DOCUMENT])
        project_id, fiscal_year_id = None, fiscal_year.id
    else:
        if project is None:
            raise ValidationFailed("请指定项目", fields={"project_id": ["请指定项目"]})
        unit, project_id, fiscal_year_id = project.unit, project.id, project.fiscal_year_id
    require(actor, Action.CREATE_DOCUMENT, (kind.value, unit.id))
    year = fiscal_year or project.fiscal_year
    definition = definitions.published_definition(kind, year)
    family = document_data.family_for(kind, year.year_settings)

    same = select(StageDocument).where(
        StageDocument.kind == kind.value,
        StageDocument.fiscal_year_id == fiscal_year_id,
        StageDocument.project_id == project_id if project_id else StageDocument.project_id.is_(None),
    )
    parent, sequence = None, 1
    if kind is DocumentKind.TARGET_ADJUSTMENT:
        parent = db.session.scalar(
            select(StageDocument).where(
                StageDocument.project_id == project_id,
                StageDocument.fiscal_year_id == fiscal_year_id,
                StageDocument.kind == DocumentKind.PERFORMANCE_TARGETS.value,
            )
        )
        if parent is None or parent.state != State.FINAL:
            raise InvalidTransition("只有已批复（锁定）的绩效目标才能发起调整")
        if any(d.state != State.FINAL for d in db.session.scalars(same)):
            raise InvalidTransition("该项目已有一份进行中的绩效目标调整")
        sequence = (db.session.scalar(same.with_only_columns(func.max(StageDocument.sequence))) or 0) + 1
        if not data:  # start from the approved targets, as far as the adjustment form has those fields
            keys = {f["key"] for f in definition.fields} if definition else set(parent.data)
            data = {k: v for k, v in parent.data.items() if k in keys}
    elif db.session.scalar(same) is not None:
        subject = "该项目" if project_id else "本部门"
        raise InvalidTransition(f"{subject}本年度已有「{kind.label}」文档，请打开原文档继续办理")
    else:
        parent = _promise_of(kind, project, unit.id, fiscal_year_id)
    prefill = {}
    if definition is not None and kind is not DocumentKind.TARGET_ADJUSTMENT:
        prefill = _prefill(kind, definition, project, parent, family)

    document = StageDocument(
        kind=kind.value,
        project_id=project_id,
        unit_id=unit.id,
        fiscal_year_id=fiscal_year_id,
        sequence=sequence,
        state=workflow_for(kind).initial.value,
        form_version=definition.version if definition else None,
        template_family=family,
        data=prefill,
        parent=parent,
        parent_id=parent.id if parent else None,
        created_by_id=actor.id,
        last_edited_by_id=actor.id,
    )
    document.fiscal_year = year
    # The prefill is what the document holds so far: a carried promise cannot be replaced by `data`.
    document.data = document_data.clean(
        document, prefill | (data or {}), complete=False, definition=definition, today=today
    )
    db.session.add(document)
    try:
        db.session.flush()
    except IntegrityError:
        # Someone created the same document a moment ago (the check above raced): say so, as above.
        db.session.rollback()
        raise InvalidTransition(f"本年度已有「{kind.label}」文档，请刷新后打开原文档继续办理") from None
    db.session.add(
        DocumentEvent(document_id=document.id, actor_id=actor.id, action="create", to_state=document.state)
    )
    audit.record(actor, "document.create", document, summary=document.kind)
    rectification.sync_problems(document)
    db.session.flush()
    return document


def edit_document(
    document: StageDocument,
    *,
    actor: User,
    data: dict,
    expected_version: int | None,
    today: date | None = None,
) -> StageDocument:
    """Replace the document's data while its state lets this user edit. Stale version → StaleVersion,
    locked → PermissionDenied. Writes a field-level diff to the history. `today` as for create_document.
    Flushes."""
    if not can(actor, Action.EDIT_DOCUMENT, document):
        if document.state == State.FINAL and document.kind == DocumentKind.PERFORMANCE_TARGETS:
            raise PermissionDenied("绩效目标已批复锁定，不得擅自调整；如需调整请发起「绩效目标调整」")
        raise PermissionDenied(f"文档当前状态为「{state_label(document.state)}」，您不能修改")
    check_version(document, expected_version)
    data = document_data.clean(document, data, complete=False, refuse_computed=True, today=today)
    changes = audit.diff(document.data or {}, data)
    if not changes:
        return document
    document.data = data
    document.last_edited_by_id = actor.id
    document.updated_at = utcnow()
    db.session.add(DocumentEvent(document_id=document.id, actor_id=actor.id, action="edit", changes=changes))
    audit.record(actor, "document.edit", document, changes=changes)
    rectification.sync_problems(document)
    flush_or_stale(document)
    return document


def on_final(document: StageDocument, *, actor: User) -> None:
    """Effects of reaching the final state. An approved target adjustment becomes the targets' new
    revision; the old one is kept (targets are never silently overwritten)."""
    if document.kind != DocumentKind.TARGET_ADJUSTMENT or document.parent is None:
        return
    targets = document.parent
    db.session.add(
        DocumentRevision(
            document_id=targets.id,
            revision=targets.revision,
            data=targets.data,
            replaced_by_document_id=document.id,
        )
    )
    # The adjustment carries the changed targets; its own fields (reason, assessment) stay with it.
    new_data = {**targets.data, **{k: v for k, v in document.data.items() if k in targets.data}}
    changes = audit.diff(targets.data or {}, new_data)
    targets.data = new_data
    targets.revision += 1
    db.session.add(
        DocumentEvent(
            document_id=targets.id,
            actor_id=actor.id,
            action="adjusted",
            from_state=targets.state,
            to_state=targets.state,
            comment=f"经绩效目标调整（文档 {document.id}）批准，形成第 {targets.revision} 版",
            changes=changes,
        )
    )
    audit.record(actor, "document.adjusted", targets, changes=changes)


def move_to_newest_form(
    document: StageDocument, *, actor: User, expected_version: int | None
) -> StageDocument:
    """Re-base an editable document on the newest published form of its kind and year: an explicit,
    recorded step (documents otherwise keep their form version). Values of fields the new form no
    longer has are dropped from the data but kept in the history entry. Flushes."""
    require(actor, Action.EDIT_DOCUMENT, document)
    check_version(document, expected_version)
    newest = definitions.published_definition(document.kind, document.fiscal_year)
    if newest is None or newest.version == document.form_version:
        raise InvalidTransition("没有更新的已发布表单版本")
    keys = {f["key"] for f in newest.fields}
    kept = {k: v for k, v in (document.data or {}).items() if k in keys}
    data = document_data.clean(document, kept, complete=False, definition=newest)
    changes = audit.diff(document.data or {}, data) | {
        "form_version": [document.form_version, newest.version]
    }
    comment = f"表单由第 {document.form_version} 版改为第 {newest.version} 版"
    document.form_version, document.data = newest.version, data
    document.last_edited_by_id, document.updated_at = actor.id, utcnow()
    db.session.add(
        DocumentEvent(
            document_id=document.id, actor_id=actor.id, action="move_form", comment=comment, changes=changes
        )
    )
    audit.record(actor, "document.move_form", document, summary=comment, changes=changes)
    rectification.sync_problems(document)
    flush_or_stale(document)
    return document


def newer_form_version(document: StageDocument) -> int | None:
    """The newest published form version when it is newer than the document's, else None."""
    newest = definitions.published_definition(document.kind, document.fiscal_year)
    if newest is None or document.form_version is None or newest.version <= document.form_version:
        return None
    return newest.version


def store_attachment(
    document: StageDocument, field_key: str, *, filename: str, content_type: str, content: bytes, actor: User
) -> dict:
    """Keep an uploaded file of one of the document's file fields (or a problem's 佐证材料), after the
    field's own checks (type, size). Never replaces a file: each upload is a new row. Returns the
    metadata to put in the document's data. Raises ValidationFailed. Flushes."""
    require(actor, Action.EDIT_DOCUMENT, document)
    definition = document_data.definition_of(document)
    field = next((f for f in (definition.fields if definition else []) if f["key"] == field_key), None)
    if field is None or field["type"] not in ("file", "problem_table"):
        raise ValidationFailed(fields={field_key: ["表单中没有此附件项"]})
    meta = {"name": normalize_text(filename or "")[:255], "size": len(content)}
    try:
        meta = check_file_meta(
            meta, field["label"], accept=field.get("accept"), max_bytes=field.get("max_bytes")
        )
    except FieldError as err:
        raise ValidationFailed(fields={field_key: err.messages}) from None
    attachment = Attachment(
        document_id=document.id,
        field_key=field_key,
        filename=meta["name"],
        content_type=(content_type or "application/octet-stream")[:100],
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        uploaded_by_id=actor.id,
    )
    db.session.add(attachment)
    db.session.flush()
    audit.record(actor, "document.attach", document, summary=f"{field_key}: {attachment.filename}")
    return {
        "name": attachment.filename,
        "size": attachment.size,
        "attachment_id": attachment.id,
        "sha256": attachment.sha256,
    }


def attachment_of(document: StageDocument, attachment_id) -> Attachment | None:
    """An attachment only through the (already scoped) document it belongs to."""
    try:
        attachment_id = int(attachment_id)
    except (TypeError, ValueError):
        return None
    return db.session.scalar(
        select(Attachment).where(Attachment.id == attachment_id, Attachment.document_id == document.id)
    )
