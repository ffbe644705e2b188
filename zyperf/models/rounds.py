"""Rounds (下发): finance pushes a stage down to the units for a year; and the handling decided for a
monitored project (rules 三(三): 提示警示纠偏, 督促加快, 调整预算, 绩效评估后调整)."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from zyperf.extensions import db
from zyperf.models.accounts import Unit, User
from zyperf.models.base import utcnow
from zyperf.models.documents import StageDocument
from zyperf.models.projects import FiscalYear, Project

# The stages finance opens as a round: the September monitoring, and the evaluation after the year.
ROUND_STAGES = {"monitoring": "绩效监控", "self_evaluation": "项目支出绩效自评"}


class Round(db.Model):
    """One stage of one year pushed down to every library project: one document each."""

    __tablename__ = "rounds"
    __table_args__ = (UniqueConstraint("fiscal_year_id", "stage", name="one_per_stage"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    fiscal_year_id: Mapped[int] = mapped_column(ForeignKey("fiscal_years.id"))
    stage: Mapped[str] = mapped_column(String(32))
    month: Mapped[int | None] = mapped_column(Integer)  # monitoring: the data cover months 1..month
    due: Mapped[date | None]
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)

    fiscal_year: Mapped[FiscalYear] = relationship(lazy="joined", innerjoin=True)
    opened_by: Mapped[User | None] = relationship()

    @property
    def stage_label(self) -> str:
        return ROUND_STAGES.get(self.stage, self.stage)

    def __str__(self) -> str:
        return f"{self.fiscal_year.year}年{self.stage_label}"


class Measure(StrEnum):
    """In the order of zyperf.domain.figures.HANDLING (services.handling pairs them)."""

    WARN = "warn"
    URGE = "urge"
    ADJUST_BUDGET = "adjust_budget"
    ASSESS_THEN_ADJUST = "assess_then_adjust"

    @property
    def label(self) -> str:
        return MEASURE_LABELS[self]

    @property
    def is_instruction(self) -> bool:
        """An instruction the unit acknowledges (the others open a document for the unit)."""
        return self in (Measure.WARN, Measure.URGE)


MEASURE_LABELS = {
    Measure.WARN: "提示警示纠偏",
    Measure.URGE: "督促加快",
    Measure.ADJUST_BUDGET: "调整预算",
    Measure.ASSESS_THEN_ADJUST: "绩效评估后调整",
}


class HandlingDecision(db.Model):
    """Finance's decision on a monitored project; an instruction is acknowledged by the unit."""

    __tablename__ = "handling_decisions"
    __table_args__ = (UniqueConstraint("monitoring_id", "measure", name="one_per_measure"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    monitoring_id: Mapped[int] = mapped_column(ForeignKey("stage_documents.id"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    measure: Mapped[str] = mapped_column(String(32))
    instruction: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)
    opened_document_id: Mapped[int | None] = mapped_column(ForeignKey("stage_documents.id"))
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    acknowledged_at: Mapped[datetime | None]
    acknowledgement: Mapped[str] = mapped_column(Text, default="")

    monitoring: Mapped[StageDocument] = relationship(foreign_keys=[monitoring_id])
    opened_document: Mapped[StageDocument | None] = relationship(foreign_keys=[opened_document_id])
    project: Mapped[Project] = relationship()
    unit: Mapped[Unit] = relationship()
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    acknowledged_by: Mapped[User | None] = relationship(foreign_keys=[acknowledged_by_id])

    @property
    def measure_label(self) -> str:
        return Measure(self.measure).label

    @property
    def awaits_acknowledgement(self) -> bool:
        return Measure(self.measure).is_instruction and self.acknowledged_at is None
