"""The workflow tables: well formed, and every (kind, state, action, role, scope) gives the target or a refusal."""

import itertools
from datetime import datetime

import pytest
from sqlalchemy import select

from zyperf.errors import GuardFailed, InvalidTransition, PermissionDenied, StaleVersion
from zyperf.extensions import db
from zyperf.models import DocumentKind, Project, Role, StageDocument
from zyperf.services.guards import GUARDS, REVIEW_CONCLUSIONS
from zyperf.services.workflow import apply, refusal
from zyperf.transitions import (
    ACTION_LABELS,
    GUARD_LABELS,
    STATE_LABELS,
    WORKFLOWS,
    DocumentAction,
    State,
    find,
)


@pytest.mark.parametrize("kind", list(DocumentKind))
def test_every_kind_has_a_well_formed_workflow(kind):
    wf = WORKFLOWS[kind]
    states = wf.states
    # Every state reachable from the initial one.
    reached, frontier = {wf.initial}, [wf.initial]
    while frontier:
        state = frontier.pop()
        for row in wf.transitions:
            if state in row.sources and row.target not in reached:
                reached.add(row.target)
                frontier.append(row.target)
    assert reached == states
    assert wf.final_states == {State.FINAL}
    for row in wf.transitions:
        assert row.roles, row
        assert all(g in GUARDS and g in GUARD_LABELS for g in row.guards), row
        assert row.action in ACTION_LABELS and row.target in STATE_LABELS
        if row.action is DocumentAction.RETURN:
            assert row.needs_comment and row.target is State.RETURNED
    # At most one row per (state, action): the service finds exactly one.
    pairs = [(s, row.action) for row in wf.transitions for s in row.sources]
    assert len(pairs) == len(set(pairs))
    # Final documents cannot be edited; drafts can.
    assert State.FINAL not in wf.editors and State.DRAFT in wf.editors


_sequence = itertools.count(1)


SUBMITTED_AT = datetime(2026, 1, 5, 9, 0)


def make_document(kind, unit_code, state, bureau, *, created_by=None, form_checked=True):
    """A document put straight into a state (test set-up only: real ones move through apply()),
    submitted once and, unless told otherwise, checked by finance for standard form."""
    check = {
        "by": "财务科 李会计",
        "at": "2026-01-06T09:00:00",
        "comment": "符合规范",
        "submission": SUBMITTED_AT.isoformat(),
    }
    project = db.session.scalar(
        select(Project).join(Project.unit).where(Project.unit.has(code=unit_code)).order_by(Project.id)
    )
    doc = StageDocument(
        kind=kind.value,
        project_id=None if kind.is_department_wide else project.id,
        unit_id=project.unit_id if not kind.is_department_wide else bureau["finance"].unit_id,
        fiscal_year_id=project.fiscal_year_id,
        state=state.value,
        sequence=next(_sequence),
        data={"filled": True, "truthfulness": True},
        created_by_id=(created_by or bureau["guihua"]).id,
        submitted_at=SUBMITTED_AT,
        review={"form_check": check} if form_checked else None,
    )
    db.session.add(doc)
    db.session.commit()
    return doc


ACTORS = ["guihua", "gengdi", "guihua_head", "gengdi_head", "deputy", "finance", "leader", "admin"]


def expected_outcome(kind, state, action, username, bureau, doc):
    row = find(kind.value, state.value, action)
    if row is None:
        return InvalidTransition
    if refusal(bureau[username], doc, row):
        return PermissionDenied
    return row.target


@pytest.mark.parametrize("kind", list(DocumentKind))
def test_every_state_action_role_scope(kind, bureau):
    """For each kind, each state, each action and each demo person (own unit = 规划科, others not)."""
    checked = 0
    params = {"conclusion": REVIEW_CONCLUSIONS.get(kind, ("予以支持",))[0]}
    for state in WORKFLOWS[kind].states:
        shared = make_document(kind, "guihua", state, bureau)  # refusals leave it untouched
        for action in DocumentAction:
            for username in ACTORS:
                actor = bureau[username]
                outcome = expected_outcome(kind, state, action, username, bureau, shared)
                if outcome in (InvalidTransition, PermissionDenied):
                    with pytest.raises(outcome):
                        apply(
                            shared,
                            action,
                            actor=actor,
                            expected_version=shared.version,
                            comment="意见",
                            params=params,
                        )
                    db.session.rollback()
                    assert shared.state == state
                else:
                    doc = make_document(kind, "guihua", state, bureau)
                    try:
                        apply(
                            doc,
                            action,
                            actor=actor,
                            expected_version=doc.version,
                            comment="意见",
                            params=params,
                        )
                    except GuardFailed as err:
                        # Only the ex-ante guard may stop a targets submission for a project that needs one.
                        assert "事前绩效评估" in err.message
                        db.session.rollback()
                        continue
                    db.session.commit()
                    assert doc.state == outcome
                    assert doc.events[-1].action == action
                checked += 1
    assert checked > 100


def test_role_and_scope_messages(bureau):
    doc = make_document(DocumentKind.MONITORING, "guihua", State.SUBMITTED, bureau)
    with pytest.raises(PermissionDenied, match="科室（单位）负责人"):
        apply(doc, "approve", actor=bureau["finance"], expected_version=doc.version)
    with pytest.raises(PermissionDenied, match="本科室"):
        apply(doc, "approve", actor=bureau["gengdi_head"], expected_version=doc.version)
    doc2 = make_document(DocumentKind.MONITORING, "shengtai", State.HEAD_APPROVED, bureau)
    with pytest.raises(PermissionDenied, match="分管"):
        apply(doc2, "approve", actor=bureau["deputy"], expected_version=doc2.version)


def test_admin_never_approves(bureau):
    admin = bureau["admin"]
    admin.grants  # noqa: B018 - loaded
    assert Role.ADMIN in admin.roles
    for state in (State.SUBMITTED, State.HEAD_APPROVED, State.LEADER_APPROVED):
        doc = make_document(DocumentKind.PERFORMANCE_TARGETS, "guihua", state, bureau)
        with pytest.raises(PermissionDenied):
            apply(doc, "approve", actor=admin, expected_version=doc.version)
        db.session.rollback()


def test_separation_of_duties(bureau):
    head = bureau["guihua_head"]
    doc = make_document(DocumentKind.MONITORING, "guihua", State.SUBMITTED, bureau, created_by=head)
    with pytest.raises(PermissionDenied, match="职责分离"):
        apply(doc, "approve", actor=head, expected_version=doc.version)


def test_return_needs_a_comment(bureau):
    doc = make_document(DocumentKind.MONITORING, "guihua", State.SUBMITTED, bureau)
    with pytest.raises(GuardFailed, match="必须填写意见"):
        apply(doc, "return", actor=bureau["guihua_head"], expected_version=doc.version, comment="  ")
    apply(doc, "return", actor=bureau["guihua_head"], expected_version=doc.version, comment="指标不清晰")
    db.session.commit()
    assert doc.state == "returned"
    assert doc.events[-1].comment == "指标不清晰"


def test_stale_version_is_refused(bureau):
    doc = make_document(DocumentKind.MONITORING, "guihua", State.SUBMITTED, bureau)
    with pytest.raises(StaleVersion):
        apply(doc, "approve", actor=bureau["guihua_head"], expected_version=doc.version - 1)
    with pytest.raises(StaleVersion):
        apply(doc, "approve", actor=bureau["guihua_head"], expected_version=None)


def test_unknown_action_is_a_conflict(bureau):
    doc = make_document(DocumentKind.MONITORING, "guihua", State.SUBMITTED, bureau)
    with pytest.raises(InvalidTransition):
        apply(doc, "delete", actor=bureau["guihua_head"], expected_version=doc.version)


def test_every_report_to_the_city_bureau_waits_for_the_form_check(bureau):
    """规范性审核 (rules 三(六)): each kind finance reports has the guard on every report row."""
    reporting = {
        kind
        for kind, wf in WORKFLOWS.items()
        for row in wf.transitions
        if row.action is DocumentAction.REPORT and "form_checked" in row.guards
    }
    unguarded = [
        (kind, row)
        for kind, wf in WORKFLOWS.items()
        for row in wf.transitions
        if row.action is DocumentAction.REPORT and "form_checked" not in row.guards
    ]
    assert unguarded == []
    assert {k.value for k in reporting} == {
        "ex_ante_assessment",
        "self_evaluation",
        "department_evaluation",
        "rectification",
        "department_rectification",
    }
    for kind in sorted(reporting):
        row = next(r for r in WORKFLOWS[kind].transitions if r.action is DocumentAction.REPORT)
        doc = make_document(kind, "guihua", next(iter(row.sources)), bureau, form_checked=False)
        with pytest.raises(GuardFailed, match="须先完成规范性审核"):
            apply(doc, "report", actor=bureau["finance"], expected_version=doc.version)
        db.session.rollback()
