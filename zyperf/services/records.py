"""Records (信息管理, rules 三(六)): finance's check that a report is in the standard form (规范性审核)
before it is sent on, each document's kept files with who uploaded them and when, and the history
of a document as JSON (the API and the project archive both give it)."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from zyperf.domain.text import FieldError, check_text
from zyperf.errors import InvalidTransition, PermissionDenied, ValidationFailed
from zyperf.extensions import db
from zyperf.models import Attachment, DocumentEvent, StageDocument, User
from zyperf.models.base import utcnow
from zyperf.services import audit
from zyperf.services.guards import FORM_CHECK, current_form_check
from zyperf.services.locking import check_version, flush_or_stale
from zyperf.services.workflow import refusal
from zyperf.transitions import DocumentAction, find, state_label


def check_form(document: StageDocument, *, actor: User, comment: str, expected_version) -> StageDocument:
    """Finance records that the report waiting to be sent to the city bureau is in the standard form,
    with its opinion: on the document (for this submission), in its history and in the audit.
    Raises InvalidTransition (nothing to send now), PermissionDenied, ValidationFailed, StaleVersion.
    Flushes."""
    row = find(document.kind, document.state, DocumentAction.REPORT)
    if row is None:
        raise InvalidTransition(
            f"文档当前状态为「{state_label(document.state)}」，不在待报送市财政局的环节，无需规范性审核"
        )
    if refusal(actor, document, row):
        raise PermissionDenied("规范性审核由财务科进行（起草或修改过该报告的人不能审核）")
    try:
        comment = check_text(comment or "", "审核意见", 500)
    except FieldError as exc:
        raise ValidationFailed(fields={"comment": exc.messages}) from None
    if not comment:
        raise ValidationFailed("请填写规范性审核意见", fields={"comment": ["请填写规范性审核意见"]})
    check_version(document, expected_version)
    now = utcnow()
    stamp = {
        "by": actor.display_name,
        "by_id": actor.id,
        "at": now.isoformat(timespec="seconds"),
        "comment": comment,
        "submission": document.submitted_at.isoformat() if document.submitted_at else "",
    }
    document.review = {**(document.review or {}), FORM_CHECK: stamp}
    db.session.add(
        DocumentEvent(
            document_id=document.id,
            actor_id=actor.id,
            action="form_check",
            comment=comment,
            changes={"规范性审核": [None, "已审核"]},
            at=now,
        )
    )
    audit.record(actor, "document.form_check", document, summary=comment)
    flush_or_stale(document)
    return document


def form_check_of(document: StageDocument) -> dict | None:
    """The check that holds for the document's current submission, for pages and the API."""
    return current_form_check(document)


def attachments_of(document: StageDocument) -> list[Attachment]:
    """Every file ever uploaded to the document, oldest first, with its uploader; never the bytes.
    A file replaced in a field stays listed (uploads are never overwritten)."""
    return list(
        db.session.scalars(
            select(Attachment)
            .where(Attachment.document_id == document.id)
            .options(selectinload(Attachment.uploaded_by))
            .order_by(Attachment.id)
        )
    )


def history_json(events: list[DocumentEvent]) -> list[dict]:
    """A document's history as JSON: who did what, when, from and to which state, why and what changed."""
    return [
        {
            "at": e.at.isoformat() + "Z",
            "actor": e.actor.username if e.actor else None,
            "action": e.action,
            "from": e.from_state,
            "to": e.to_state,
            "comment": e.comment,
            "changes": e.changes,
        }
        for e in events
    ]
