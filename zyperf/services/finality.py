"""What reaching the final state does beyond the state itself: an approved target adjustment becomes
the targets' new revision; final targets put the project in the library; a final ex-ante assessment
is recorded on its project; a final budget adjustment moves the budget of open documents."""

from zyperf.extensions import db
from zyperf.models import DocumentEvent, DocumentKind, DocumentRevision, StageDocument, User
from zyperf.services import adjustments, audit, library


def on_final(document: StageDocument, *, actor: User) -> None:
    """Called by workflow.apply when a document becomes final, in the same transaction."""
    kind = DocumentKind(document.kind)
    if kind is DocumentKind.TARGET_ADJUSTMENT and document.parent is not None:
        adopt_adjustment(document, actor=actor)
    elif kind is DocumentKind.PERFORMANCE_TARGETS:
        library.enter_library(document, actor=actor)
    elif kind is DocumentKind.EX_ANTE_ASSESSMENT:
        library.record_assessment(document, actor=actor)
    elif kind is DocumentKind.BUDGET_ADJUSTMENT:
        adjustments.follow_final(document, actor=actor)


def adopt_adjustment(document: StageDocument, *, actor: User) -> None:
    """The approved adjustment becomes the targets' new revision; the old one is kept (targets are
    never silently overwritten)."""
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
