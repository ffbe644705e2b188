"""The problems of rectification reports, one row per problem: a copy of each report's problem table,
kept by the document service whenever the report's data is stored, so that overdue problems are
counted and listed in SQL (the report's data stays the record)."""

from datetime import date

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from zyperf.extensions import db
from zyperf.models.accounts import Unit
from zyperf.models.documents import StageDocument
from zyperf.models.projects import Project


class RectificationProblem(db.Model):
    __tablename__ = "rectification_problems"
    __table_args__ = (
        UniqueConstraint("document_id", "number", name="one_row_per_problem"),
        # Overdue: status not done and deadline passed, answered from the index.
        Index("ix_rectification_problems_open", "status", "deadline"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("stage_documents.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)  # the report's unit: scope
    fiscal_year_id: Mapped[int] = mapped_column(ForeignKey("fiscal_years.id"), index=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"))  # NULL: the department
    number: Mapped[int] = mapped_column(Integer)  # 序号 within the report, never reused
    source: Mapped[str] = mapped_column(String(16), default="")
    problem_type: Mapped[str] = mapped_column(String(100), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    measures: Mapped[str] = mapped_column(Text, default="")
    responsible_unit: Mapped[str] = mapped_column(String(100), default="")
    responsible_person: Mapped[str] = mapped_column(String(100), default="")
    deadline: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(16), default="")
    explanation: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[list] = mapped_column(JSON, default=list)  # attachment names

    document: Mapped[StageDocument] = relationship()
    unit: Mapped[Unit] = relationship()
    project: Mapped[Project | None] = relationship()
