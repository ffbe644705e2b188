"""Stage documents (one per project or department, fiscal year and kind), their history and revisions."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from zyperf.extensions import db
from zyperf.models.accounts import Unit, User
from zyperf.models.base import utcnow
from zyperf.models.projects import FiscalYear, Project


class DocumentKind(StrEnum):
    EX_ANTE_ASSESSMENT = "ex_ante_assessment"
    PERFORMANCE_TARGETS = "performance_targets"
    TARGET_ADJUSTMENT = "target_adjustment"
    MONITORING = "monitoring"
    BUDGET_ADJUSTMENT = "budget_adjustment"
    SELF_EVALUATION = "self_evaluation"
    DEPARTMENT_EVALUATION = "department_evaluation"
    RECTIFICATION = "rectification"
    DEPARTMENT_TARGETS = "department_targets"
    DEPARTMENT_RECTIFICATION = "department_rectification"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]

    @property
    def is_department_wide(self) -> bool:
        """The department as a whole (finance's): no project, one per year."""
        return self in DEPARTMENT_KINDS


KIND_LABELS = {
    DocumentKind.EX_ANTE_ASSESSMENT: "事前绩效评估",
    DocumentKind.PERFORMANCE_TARGETS: "绩效目标",
    DocumentKind.TARGET_ADJUSTMENT: "绩效目标调整",
    DocumentKind.MONITORING: "绩效监控",
    DocumentKind.BUDGET_ADJUSTMENT: "预算调整",
    DocumentKind.SELF_EVALUATION: "项目支出绩效自评",
    DocumentKind.DEPARTMENT_EVALUATION: "部门整体支出绩效评价",
    DocumentKind.RECTIFICATION: "整改报告",
    DocumentKind.DEPARTMENT_TARGETS: "部门整体支出绩效目标",
    DocumentKind.DEPARTMENT_RECTIFICATION: "部门整体支出整改报告",
}
DEPARTMENT_KINDS = frozenset(
    {
        DocumentKind.DEPARTMENT_TARGETS,
        DocumentKind.DEPARTMENT_EVALUATION,
        DocumentKind.DEPARTMENT_RECTIFICATION,
    }
)


class StageDocument(db.Model):
    __tablename__ = "stage_documents"
    # Several target adjustments may exist for one project; every other kind is one per project and year.
    __table_args__ = (
        UniqueConstraint("project_id", "fiscal_year_id", "kind", "sequence", name="one_per_kind"),
        # Department-wide documents have no project (NULLs never collide): one per unit, year and kind.
        Index(
            "uq_stage_documents_department",
            "unit_id",
            "fiscal_year_id",
            "kind",
            "sequence",
            unique=True,
            sqlite_where=text("project_id IS NULL"),
            postgresql_where=text("project_id IS NULL"),
        ),
        # The default orders of the document list (newest change first: all units, or one) and of 我的待办
        # (oldest first), id breaking ties, so a page is read in index order whatever the number of rows.
        Index("ix_stage_documents_updated_at_id", "updated_at", "id"),
        Index("ix_stage_documents_unit_updated_at_id", "unit_id", "updated_at", "id"),  # one unit's list
        Index("ix_stage_documents_state_changed_at_id", "state_changed_at", "id"),
        # 我的待办 asks for given states of given kinds (services.worklist.waiting_condition), in the
        # user's units or in all of them; lists filter by unit, kind and state.
        Index("ix_stage_documents_unit_kind_state", "unit_id", "kind", "state"),
        Index("ix_stage_documents_kind_state_unit", "kind", "state", "unit_id"),
        # 催办 counts open documents per unit and state: this index alone answers it, never the rows.
        Index("ix_stage_documents_state_unit_kind_year", "state", "unit_id", "kind", "fiscal_year_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    fiscal_year_id: Mapped[int] = mapped_column(ForeignKey("fiscal_years.id"), index=True)
    sequence: Mapped[int] = mapped_column(Integer, default=1)
    state: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer, default=1)
    form_version: Mapped[int | None] = mapped_column(Integer)
    revision: Mapped[int] = mapped_column(Integer, default=1)  # targets: bumped by each approved adjustment
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    # The table family (excel-formats §2) chosen when the document was created; it keeps it.
    template_family: Mapped[str | None] = mapped_column(String(32))
    # The year's settings as they stood when the document was last submitted: its figures keep them.
    settings_snapshot: Mapped[dict | None] = mapped_column(JSON)
    # What reviewers set, never the drafter: monitoring flags (方向偏差, 目标重大变化) with who and why.
    review: Mapped[dict | None] = mapped_column(JSON)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("stage_documents.id"))
    # The round (下发) that issued the document, when finance pushed it down to the unit.
    round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id"), index=True)
    # Set at creation when the document does not simply follow its year's deadline for its stage: the
    # round's due date, or (created after that deadline) the creation day plus the year's grace days.
    due_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_edited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime | None]
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    state_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Who declared the report true (整改报告真实性声明) at its last submission, and when.
    declared_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    declared_at: Mapped[datetime | None]

    # Every UPDATE is a compare-and-set on version (… WHERE version = :seen), bumping it: two people
    # acting on the same document cannot both win, on SQLite or PostgreSQL.
    __mapper_args__ = {"version_id_col": version}

    project: Mapped[Project | None] = relationship()
    unit: Mapped[Unit] = relationship()
    fiscal_year: Mapped[FiscalYear] = relationship()
    parent: Mapped["StageDocument | None"] = relationship(remote_side=[id])
    round: Mapped["Round | None"] = relationship()  # noqa: F821 - zyperf.models.rounds
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    last_edited_by: Mapped[User | None] = relationship(foreign_keys=[last_edited_by_id])
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    declared_by: Mapped[User | None] = relationship(foreign_keys=[declared_by_id])
    events: Mapped[list["DocumentEvent"]] = relationship(
        back_populates="document", order_by="DocumentEvent.id", lazy="select"
    )

    @property
    def kind_label(self) -> str:
        return DocumentKind(self.kind).label

    @property
    def title(self) -> str:
        subject = self.project.name if self.project else self.unit.name
        return f"{subject} · {self.kind_label}"


class DocumentEvent(db.Model):
    """One line of a document's history: a transition or an edit (with a field-level diff)."""

    __tablename__ = "document_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("stage_documents.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(32))
    from_state: Mapped[str | None] = mapped_column(String(32))
    to_state: Mapped[str | None] = mapped_column(String(32))
    comment: Mapped[str] = mapped_column(Text, default="")
    changes: Mapped[dict | None] = mapped_column(JSON)

    document: Mapped[StageDocument] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class Attachment(db.Model):
    """An uploaded file of a document's file field. Kept in the database, so every app process and
    machine serves the same files; never deleted (a new upload is a new row)."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("stage_documents.id"), index=True)
    field_key: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100), default="application/octet-stream")
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    uploaded_by: Mapped[User | None] = relationship()


class DocumentRevision(db.Model):
    """The data of approved targets as they stood before an adjustment replaced them."""

    __tablename__ = "document_revisions"
    __table_args__ = (UniqueConstraint("document_id", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("stage_documents.id"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict] = mapped_column(JSON)
    replaced_at: Mapped[datetime] = mapped_column(default=utcnow)
    replaced_by_document_id: Mapped[int | None] = mapped_column(ForeignKey("stage_documents.id"))
