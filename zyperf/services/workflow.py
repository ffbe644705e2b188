"""The one way a stage document changes state: apply(). Also allowed_actions() for buttons and lists."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload, lazyload

from zyperf.errors import GuardFailed, InvalidTransition, PermissionDenied, ValidationFailed
from zyperf.extensions import db
from zyperf.models import DocumentEvent, StageDocument, User
from zyperf.models.base import utcnow
from zyperf.permissions import in_scope
from zyperf.services import audit, document_data, rectification
from zyperf.services.finality import on_final
from zyperf.services.guards import GUARDS, Refusal
from zyperf.services.locking import check_version, flush_or_stale
from zyperf.transitions import (
    ACTION_LABELS,
    SCOPE_LABELS,
    DocumentAction,
    Scope,
    State,
    Transition,
    find,
    roles_label,
    state_label,
    workflow_for,
)

MAX_COMMENT = 2000  # characters of a transition's 意见, on the pages and through the API


def in_transition_scope(user: User, document: StageDocument, scope: Scope) -> bool:
    if scope is Scope.OWN:
        return user.unit_id is not None and user.unit_id == document.unit_id
    if scope is Scope.OVERSEEN:
        return any(u.id == document.unit_id for u in user.oversees)
    return in_scope(user, document.unit_id)


def drafted_or_edited_by(user: User, document: StageDocument) -> bool:
    return user.id in {document.created_by_id, document.last_edited_by_id, document.submitted_by_id}


def refusal(user: User, document: StageDocument, row: Transition) -> str | None:
    """Why this user may not take this row now (role, scope, separation of duties), or None."""
    if not user.is_active or not user.has_role(*row.roles):
        return f"「{ACTION_LABELS[row.action]}」需由{roles_label(row.roles)}进行"
    if not in_transition_scope(user, document, row.scope):
        return f"「{ACTION_LABELS[row.action]}」只能对{SCOPE_LABELS[row.scope]}的文档进行"
    if row.separation_of_duties and drafted_or_edited_by(user, document):
        return "您起草、修改或报送了该文档，按职责分离不能再审核它"
    return None


def guard_failures(document: StageDocument, row: Transition, params: dict | None) -> GuardFailed | None:
    """All the row's guards that do not hold, as one refusal naming every field concerned."""
    messages, fields = [], {}
    for name in row.guards:
        refusal = GUARDS[name](document, params)
        if isinstance(refusal, Refusal):
            messages.append(refusal.message)
            fields |= refusal.fields
        elif refusal:
            messages.append(refusal)
    return GuardFailed("；".join(messages), fields=fields or None) if messages else None


@dataclass(frozen=True)
class AllowedAction:
    action: DocumentAction
    label: str
    needs_comment: bool
    target: State


def allowed_actions(user: User, document: StageDocument) -> list[AllowedAction]:
    """The actions the user may take on the document now: exactly the buttons the pages show.

    Guards are not evaluated here: a button whose guard fails answers 422 saying what is missing.
    """
    found = []
    for row in workflow_for(document.kind).transitions:
        if document.state not in row.sources or refusal(user, document, row):
            continue
        found.append(AllowedAction(row.action, ACTION_LABELS[row.action], row.needs_comment, row.target))
    return found


def history(document: StageDocument) -> list[DocumentEvent]:
    """The document's history, oldest first, each actor's name in the same query (loaded one by one,
    every person in it would cost a query, and their roles and oversight two more)."""
    return list(
        db.session.scalars(
            select(DocumentEvent)
            .where(DocumentEvent.document_id == document.id)
            .options(joinedload(DocumentEvent.actor).options(lazyload(User.grants), lazyload(User.oversees)))
            .order_by(DocumentEvent.id)
        )
    )


def apply(
    document: StageDocument,
    action: str,
    *,
    actor: User,
    expected_version: int | None,
    comment: str = "",
    params: dict | None = None,
) -> StageDocument:
    """Take `action` on the document: checks state, role, scope, separation of duties, version and
    guards, then moves it, bumps its version and writes history and audit in the same transaction.

    Raises InvalidTransition/StaleVersion (409), PermissionDenied (403), GuardFailed (422). Flushes.
    """
    params = params or {}
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise ValidationFailed(
            f"意见不超过 {MAX_COMMENT} 字", fields={"comment": [f"意见不超过 {MAX_COMMENT} 字"]}
        )
    try:
        action = DocumentAction(action)
    except ValueError:
        raise InvalidTransition(f"未知操作：{action}") from None
    check_version(document, expected_version)
    row = find(document.kind, document.state, action)
    if row is None:
        raise InvalidTransition(
            f"文档当前状态为「{state_label(document.state)}」，不能进行「{ACTION_LABELS[action]}」"
        )
    if reason := refusal(actor, document, row):
        raise PermissionDenied(reason)
    if row.needs_comment and not comment:
        raise GuardFailed(f"「{ACTION_LABELS[action]}」必须填写意见", fields={"comment": ["请填写意见"]})
    # Guards see the action's input, its comment included (e.g. finance's opinion on key monitoring).
    if failed := guard_failures(document, row, {**params, "comment": comment}):
        raise failed

    before = document.state
    now = utcnow()
    changes = None
    if action is DocumentAction.SUBMIT:
        # The figures keep the settings they were submitted with; a later change of the year's
        # settings is shown on the document, never applied silently.
        document.settings_snapshot = document.fiscal_year.year_settings.to_json()
        refreshed = document_data.refresh(document)
        changes = audit.diff(document.data or {}, refreshed) or None
        document.data = refreshed
    document.state = row.target
    document.state_changed_at = now
    if action is DocumentAction.SUBMIT:
        document.submitted_at, document.submitted_by_id = now, actor.id
    if "truthfulness_declared" in row.guards:  # the guard held: the submitter declares, on the record
        rectification.declare(document, actor=actor, at=now)
    if action is DocumentAction.RECORD_REVIEW and params.get("conclusion"):
        document.data = {**document.data, "review_conclusion": params["conclusion"]}
    db.session.add(
        DocumentEvent(
            document_id=document.id,
            actor_id=actor.id,
            action=action.value,
            from_state=before,
            to_state=row.target.value,
            comment=comment,
            changes=changes,
            at=now,
        )
    )
    audit.record(
        actor, f"document.{action.value}", document, summary=f"{before} → {row.target.value} {comment}"[:500]
    )
    if row.target is State.FINAL:
        on_final(document, actor=actor)
    flush_or_stale(document)
    return document
