"""Use of results (评价结果应用, rules 三(五)): finance's decision for next year's budget, one per project
and year, and one for the department as a whole (project_id NULL)."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, Index, Integer, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from zyperf.extensions import db
from zyperf.models.accounts import Unit, User
from zyperf.models.base import Money, utcnow
from zyperf.models.projects import FiscalYear, Project


class ResultDecision(db.Model):
    __tablename__ = "result_decisions"
    __table_args__ = (
        UniqueConstraint("fiscal_year_id", "project_id", name="one_decision_per_project"),
        # The department's decision has no project (NULLs never collide): one per year.
        Index(
            "uq_result_decisions_department",
            "fiscal_year_id",
            unique=True,
            sqlite_where=text("project_id IS NULL"),
            postgresql_where=text("project_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    fiscal_year_id: Mapped[int] = mapped_column(ForeignKey("fiscal_years.id"), index=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)  # scope
    evaluation_id: Mapped[int | None] = mapped_column(ForeignKey("stage_documents.id"))
    ways: Mapped[list] = mapped_column(JSON, default=list)  # 应用方式 (excel-formats §8.6)
    next_amount: Mapped[Decimal | None] = mapped_column(Money)  # 下年预算安排数（万元）
    text: Mapped[str] = mapped_column(Text, default="")  # 应用情况说明
    reason: Mapped[str] = mapped_column(Text, default="")  # why it was last changed
    version: Mapped[int] = mapped_column(Integer, default=1)
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    __mapper_args__ = {"version_id_col": version}

    fiscal_year: Mapped[FiscalYear] = relationship()
    project: Mapped[Project | None] = relationship()
    unit: Mapped[Unit] = relationship()
    decided_by: Mapped[User | None] = relationship()
