"""Stage documents: create, edit (stale edits refused, field-level history), completeness, effects of finality."""

import hashlib
import json

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from zyperf.errors import InvalidTransition, PermissionDenied, StaleVersion, ValidationFailed
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
from zyperf.services import audit, definitions
from zyperf.services.workflow import flush_or_stale, lock_for_update
from zyperf.transitions import State, state_label, workflow_for

MAX_DATA_BYTES = 2_000_000


def _check_data(data, definition: FormDefinition | None) -> dict:
    """Clean data for storing: against the document's form definition when it has one (a draft may be
    incomplete but never wrong), else only its shape and size. Raises ValidationFailed with fields."""
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ValidationFailed("表单数据应为对象（键值对）")
    if len(json.dumps(data, ensure_ascii=False, default=str)) > MAX_DATA_BYTES:
        raise ValidationFailed("表单内容过大")
    if definition is None:
        return data
    return definitions.validate_data(definition, data, complete=False)


PROJECT_AMOUNT_FIELDS = {
    "total_amount": "total_amount",
    "fiscal_amount": "fiscal_amount",
    "other_amount": "other_amount",
}


def _with_project_amounts(
    data: dict | None, definition: FormDefinition | None, project: Project | None
) -> dict | None:
    """A new document starts with the project's amounts where its form asks for them (staff check them)."""
    if definition is None or project is None:
        return data
    fields = {f["key"]: f for f in definition.fields}
    prefill = {}
    for key, attr in PROJECT_AMOUNT_FIELDS.items():
        if key in fields:
            try:  # only what the form would accept: a proposal must never block creating the document
                definitions.check_field(fields[key], str(getattr(project, attr)), definitions.Context())
            except definitions.FieldError:
                continue
            prefill[key] = str(getattr(project, attr))
    return prefill | (data or {}) if prefill else data


def definition_of(document: StageDocument) -> FormDefinition | None:
    """The form version the document was created with; it keeps it until moved explicitly."""
    if document.form_version is None:
        return None
    return definitions.definition_version(document.kind, document.fiscal_year, document.form_version)


def create_document(
    kind: str,
    *,
    actor: User,
    project: Project | None = None,
    fiscal_year: FiscalYear | None = None,
    data: dict | None = None,
) -> StageDocument:
    """A new document in its workflow's initial state. Project kinds are one per project and year, except
    target adjustments, which need approved targets. Raises PermissionDenied/InvalidTransition. Flushes."""
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
    definition = definitions.published_definition(kind, fiscal_year or project.fiscal_year)
    given, data = data, _check_data(_with_project_amounts(data, definition, project), definition)

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
        if not given:  # start from the approved targets, as far as the adjustment form has those fields
            keys = {f["key"] for f in definition.fields} if definition else set(parent.data)
            data = _check_data({k: v for k, v in parent.data.items() if k in keys}, definition)
    elif db.session.scalar(same) is not None:
        subject = "该项目" if project_id else "本部门"
        raise InvalidTransition(f"{subject}本年度已有「{kind.label}」文档，请打开原文档继续办理")

    document = StageDocument(
        kind=kind.value,
        project_id=project_id,
        unit_id=unit.id,
        fiscal_year_id=fiscal_year_id,
        sequence=sequence,
        state=workflow_for(kind).initial.value,
        form_version=definition.version if definition else None,
        data=data,
        parent=parent,
        created_by_id=actor.id,
        last_edited_by_id=actor.id,
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
    db.session.flush()
    return document


def edit_document(
    document: StageDocument, *, actor: User, data: dict, expected_version: int | None
) -> StageDocument:
    """Replace the document's data while its state lets this user edit. Stale version → StaleVersion,
    locked → PermissionDenied. Writes a field-level diff to the history. Flushes."""
    if not can(actor, Action.EDIT_DOCUMENT, document):
        if document.state == State.FINAL and document.kind == DocumentKind.PERFORMANCE_TARGETS:
            raise PermissionDenied("绩效目标已批复锁定，不得擅自调整；如需调整请发起「绩效目标调整」")
        raise PermissionDenied(f"文档当前状态为「{state_label(document.state)}」，您不能修改")
    lock_for_update(document)
    if expected_version is None or int(expected_version) != document.version:
        raise StaleVersion(f"该文档已被他人修改（当前版本 {document.version}），您的修改未保存，请刷新后重做")
    data = _check_data(data, definition_of(document))
    changes = audit.diff(document.data or {}, data)
    if not changes:
        return document
    document.data = data
    document.last_edited_by_id = actor.id
    document.updated_at = utcnow()
    db.session.add(DocumentEvent(document_id=document.id, actor_id=actor.id, action="edit", changes=changes))
    audit.record(actor, "document.edit", document, changes=changes)
    flush_or_stale(document)
    return document


def completeness_errors(document: StageDocument) -> dict[str, list[str]]:
    """What the document's form still lacks or gets wrong, by field label (empty when complete)."""
    definition = definition_of(document)
    if definition is None:
        return {} if document.data else {"表单": ["尚未填写"]}
    try:
        definitions.validate_data(definition, document.data or {}, complete=True)
    except ValidationFailed as err:
        labels = {f["key"]: f["label"] for f in definition.fields}
        return {labels.get(key, key): msgs for key, msgs in (err.fields or {}).items()}
    return {}


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
    lock_for_update(document)
    if expected_version is None or int(expected_version) != document.version:
        raise StaleVersion()
    newest = definitions.published_definition(document.kind, document.fiscal_year)
    if newest is None or newest.version == document.form_version:
        raise InvalidTransition("没有更新的已发布表单版本")
    keys = {f["key"] for f in newest.fields}
    kept = {k: v for k, v in (document.data or {}).items() if k in keys}
    data = definitions.validate_data(newest, kept, complete=False)
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
    """Keep an uploaded file of one of the document's file fields, after the field's own checks (type,
    size). Returns the metadata to put in the document's data. Raises ValidationFailed. Flushes."""
    require(actor, Action.EDIT_DOCUMENT, document)
    definition = definition_of(document)
    field = next((f for f in (definition.fields if definition else []) if f["key"] == field_key), None)
    if field is None or field["type"] != "file":
        raise ValidationFailed(fields={field_key: ["表单中没有此附件项"]})
    meta = {"name": definitions.normalize_text(filename or "")[:255], "size": len(content)}
    try:
        meta = definitions.check_field(field, meta, definitions.Context())
    except definitions.FieldError as err:
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
