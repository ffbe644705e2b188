"""Stage documents: create one (or build many, for a round), edit (stale edits refused, field-level
history), move to a newer form, attachments. What a new one starts with is services.prefill; what
finality does is services.finality."""

import hashlib
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from zyperf import clock
from zyperf.domain.files import check_file_meta
from zyperf.domain.text import FieldError, normalize_text
from zyperf.errors import InvalidTransition, PermissionDenied, ValidationFailed
from zyperf.extensions import db
from zyperf.models import (
    Attachment,
    DocumentEvent,
    DocumentKind,
    FiscalYear,
    FormDefinition,
    Project,
    Round,
    StageDocument,
    User,
)
from zyperf.models.base import utcnow
from zyperf.permissions import DENIAL_MESSAGES, Action, can, require
from zyperf.services import (
    adjustments,
    audit,
    deadlines,
    definitions,
    document_data,
    library,
    prefill,
    rectification,
)
from zyperf.services.locking import check_version, flush_or_stale
from zyperf.transitions import State, state_label, workflow_for


def build_document(
    kind: DocumentKind,
    *,
    fiscal_year: FiscalYear,
    unit_id: int,
    definition: FormDefinition | None,
    project: Project | None = None,
    parent: StageDocument | None = None,
    sequence: int = 1,
    data: dict | None = None,
    created_by: User | None = None,
    stage_round: Round | None = None,
    net: dict | None = None,
    today: date,
    catalog=None,
) -> StageDocument:
    """A new document, not yet added: prefilled, cleaned and computed, with its due date. Shared by
    one creation (create_document) and many (rounds.open_round); callers check rights and uniqueness."""
    family = document_data.family_for(kind, fiscal_year.year_settings)
    start = {}
    if definition is not None and kind is not DocumentKind.TARGET_ADJUSTMENT:
        start = prefill.prefill(kind, definition, project, parent, net, family)
    document = StageDocument(
        kind=kind.value,
        project_id=project.id if project else None,
        unit_id=unit_id,
        fiscal_year_id=fiscal_year.id,
        sequence=sequence,
        state=workflow_for(kind).initial.value,
        form_version=definition.version if definition else None,
        template_family=family,
        data=start,
        parent=parent,
        parent_id=parent.id if parent else None,
        round_id=stage_round.id if stage_round else None,
        due_on=deadlines.due_on_creation(
            fiscal_year, kind, today, round_due=stage_round.due if stage_round else None
        ),
        created_by_id=created_by.id if created_by else None,
        last_edited_by_id=created_by.id if created_by else None,
    )
    document.fiscal_year = fiscal_year
    # The prefill is what the document holds so far: a carried promise cannot be replaced by `data`.
    document.data = document_data.clean(
        document, start | (data or {}), complete=False, definition=definition, catalog=catalog, today=today
    )
    return document


def _sequence(kind: DocumentKind, project: Project | None, same) -> int:
    """1 for a first document. Budget adjustments are any number; a target adjustment, or an ex-ante
    assessment of a change after 入库, one at a time; every other kind once per project (or
    department) and year."""
    existing = db.session.scalars(same).all()
    if not existing:
        return 1
    again = kind is DocumentKind.TARGET_ADJUSTMENT or (
        kind is DocumentKind.EX_ANTE_ASSESSMENT and project is not None and project.in_library
    )
    if again and any(d.state != State.FINAL for d in existing):
        raise InvalidTransition(f"该项目已有一份进行中的「{kind.label}」，请打开原文档继续办理")
    if not again and kind is not DocumentKind.BUDGET_ADJUSTMENT:
        subject = "该项目" if project else "本部门"
        raise InvalidTransition(f"{subject}本年度已有「{kind.label}」文档，请打开原文档继续办理")
    return max(d.sequence for d in existing) + 1


def _kind(kind) -> DocumentKind:
    try:
        return DocumentKind(kind)
    except ValueError:
        raise ValidationFailed(f"未知的文档类型：{kind}", fields={"kind": ["未知的文档类型"]}) from None


def create_document(
    kind: str,
    *,
    actor: User,
    project: Project | None = None,
    fiscal_year: FiscalYear | None = None,
    data: dict | None = None,
    today: date | None = None,
) -> StageDocument:
    """A new document in its workflow's initial state, drafted by `actor`. Project kinds are one per
    project and year (see _sequence); monitoring, self-evaluation and budget adjustments are for
    library projects; department kinds are one per year. `today` is the day deadlines are judged by
    (default: today). Raises PermissionDenied/InvalidTransition/GuardFailed. Flushes."""
    kind = _kind(kind)
    if kind.is_department_wide:
        if fiscal_year is None:
            raise ValidationFailed("请指定预算年度", fields={"year": ["请指定预算年度"]})
        unit = actor.unit
        if unit is None or not unit.is_finance:
            raise PermissionDenied(DENIAL_MESSAGES[Action.CREATE_DOCUMENT])
    elif project is None:
        raise ValidationFailed("请指定项目", fields={"project_id": ["请指定项目"]})
    else:
        unit = project.unit
    require(actor, Action.CREATE_DOCUMENT, (kind.value, unit.id))
    return _create(
        kind, actor=actor, unit=unit, project=project, fiscal_year=fiscal_year, data=data, today=today
    )


def issue_document(
    kind: str,
    *,
    actor: User,
    project: Project,
    data: dict | None = None,
    review: dict | None = None,
    note: str,
) -> StageDocument:
    """Finance opens a document for the project's unit (a handling decision): the unit's draft, with
    finance's note first in its history. Raises PermissionDenied unless finance. Flushes."""
    require(actor, Action.DECIDE_HANDLING, project)
    kind = _kind(kind)
    return _create(
        kind, actor=actor, unit=project.unit, project=project, data=data, review=review, issued=note
    )


def _create(kind, *, actor, unit, project, fiscal_year=None, data=None, review=None, issued=None, today=None):
    if project is not None:
        library.require_library(project, kind)
        fiscal_year = project.fiscal_year
    definition = definitions.published_definition(kind, fiscal_year)
    same = select(StageDocument).where(
        StageDocument.kind == kind.value,
        StageDocument.fiscal_year_id == fiscal_year.id,
        StageDocument.project_id == project.id if project else StageDocument.project_id.is_(None),
    )
    parent = None
    if kind is DocumentKind.TARGET_ADJUSTMENT:
        parent = library.final_targets(project)
        if parent is None:
            raise InvalidTransition("只有已批复（锁定）的绩效目标才能发起调整")
        if not data:  # start from the approved targets, as far as the adjustment form has those fields
            keys = {f["key"] for f in definition.fields} if definition else set(parent.data)
            data = {k: v for k, v in parent.data.items() if k in keys}
    else:
        parent = prefill.promise_of(kind, project, unit.id, fiscal_year.id)
    sequence = _sequence(kind, project, same)
    stage_round = db.session.scalar(
        select(Round).where(Round.fiscal_year_id == fiscal_year.id, Round.stage == kind.value)
    )
    net = adjustments.net_by_project([project.id])[project.id] if project is not None else None
    document = build_document(
        kind,
        fiscal_year=fiscal_year,
        unit_id=unit.id,
        definition=definition,
        project=project,
        parent=parent,
        sequence=sequence,
        data=data,
        created_by=None if issued else actor,
        stage_round=stage_round if project is not None else None,
        net=net,
        today=today or clock.today(),
    )
    document.review = review
    db.session.add(document)
    try:
        db.session.flush()
    except IntegrityError:
        # Someone created the same document a moment ago (the check above raced): say so, as above.
        db.session.rollback()
        raise InvalidTransition(f"本年度已有「{kind.label}」文档，请刷新后打开原文档继续办理") from None
    db.session.add(
        DocumentEvent(
            document_id=document.id,
            actor_id=actor.id,
            action="issued" if issued else "create",
            to_state=document.state,
            comment=issued or "",
        )
    )
    audit.record(actor, "document.issue" if issued else "document.create", document, summary=document.kind)
    rectification.sync_problems(document)
    db.session.flush()
    return document


def require_editable(document: StageDocument, actor: User) -> None:
    """PermissionDenied, saying why, unless the document's state lets this user edit it."""
    if not can(actor, Action.EDIT_DOCUMENT, document):
        if document.state == State.FINAL and document.kind == DocumentKind.PERFORMANCE_TARGETS:
            raise PermissionDenied("绩效目标已批复锁定，不得擅自调整；如需调整请发起「绩效目标调整」")
        raise PermissionDenied(f"文档当前状态为「{state_label(document.state)}」，您不能修改")


def edit_document(
    document: StageDocument,
    *,
    actor: User,
    data: dict,
    expected_version: int | None,
    today: date | None = None,
) -> StageDocument:
    """Replace the document's data while its state lets this user edit (require_editable). Stale version
    → StaleVersion. Writes a field-level diff to the history. `today` as for create_document. Flushes."""
    require_editable(document, actor)
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
