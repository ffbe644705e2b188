"""Fiscal years with their settings, and projects (项目支出)."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from zyperf.extensions import db
from zyperf.models.accounts import Unit, User
from zyperf.models.base import Money, money_column, utcnow

INDICATOR_FRAMEWORKS = {"2021": "2021 版指标体系", "2015": "2015 版指标体系"}
TEMPLATE_FAMILIES = {
    "sichuan-510000": "四川省预算管理一体化（默认）",
    "central-2020": "财政部 2020 版",
}


class FiscalYear(db.Model):
    """One budget year and the settings the city finance bureau's notice gives it."""

    __tablename__ = "fiscal_years"
    __table_args__ = (
        CheckConstraint("monitoring_month BETWEEN 1 AND 12", name="monitoring_month"),
        CheckConstraint("major_project_threshold >= 0", name="threshold"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    major_project_threshold: Mapped[Decimal] = mapped_column(Money, default=Decimal("500.00"))
    monitoring_month: Mapped[int] = mapped_column(Integer, default=8)
    template_family: Mapped[str] = mapped_column(String(32), default="sichuan-510000")
    indicator_framework: Mapped[str] = mapped_column(String(16), default="2021")
    ex_ante_due: Mapped[date | None]
    targets_due: Mapped[date | None]
    monitoring_due: Mapped[date | None]
    evaluation_due: Mapped[date | None]
    rectification_due: Mapped[date | None]
    is_current: Mapped[bool] = mapped_column(Boolean, default=False)

    def __str__(self) -> str:
        return f"{self.year}年"


class Project(db.Model):
    """A unit's project expenditure (项目支出) in one fiscal year. Amounts in 万元."""

    __tablename__ = "projects"
    __table_args__ = (
        UniqueConstraint("fiscal_year_id", "name", "unit_id", name="year_unit_name"),
        CheckConstraint("total_amount = fiscal_amount + other_amount", name="amounts_add_up"),
        CheckConstraint("fiscal_amount >= 0 AND other_amount >= 0", name="amounts_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str | None] = mapped_column(String(40), index=True)  # 一体化项目编码, when known
    name: Mapped[str] = mapped_column(String(200))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    fiscal_year_id: Mapped[int] = mapped_column(ForeignKey("fiscal_years.id"), index=True)
    total_amount: Mapped[Decimal] = money_column()
    fiscal_amount: Mapped[Decimal] = money_column()
    other_amount: Mapped[Decimal] = money_column()
    is_new: Mapped[bool] = mapped_column(Boolean, default=False)
    is_major: Mapped[bool] = mapped_column(Boolean, default=False)
    added_mid_year: Mapped[bool] = mapped_column(Boolean, default=False)
    is_key_monitoring: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime | None] = mapped_column(onupdate=utcnow)

    unit: Mapped[Unit] = relationship(lazy="joined", innerjoin=True)
    fiscal_year: Mapped[FiscalYear] = relationship(lazy="joined", innerjoin=True)
    created_by: Mapped[User | None] = relationship()

    @property
    def year(self) -> int:
        return self.fiscal_year.year

    @property
    def is_large(self) -> bool:
        """大额: at or above the year's threshold."""
        return self.total_amount >= self.fiscal_year.major_project_threshold

    @property
    def needs_ex_ante(self) -> bool:
        """New major projects and new large projects need an ex-ante assessment (rules 三(一))."""
        return self.is_new and (self.is_major or self.is_large)

    @property
    def display_name(self) -> str:
        return f"{self.code}-{self.name}" if self.code else self.name

    def __str__(self) -> str:
        return self.display_name


# The project list's order (newest year first, then unit, then id), for all units and for one unit, with
# its year and unit filters; they also cover counting projects per year and unit.
Index("ix_projects_year_unit_id", Project.fiscal_year_id.desc(), Project.unit_id, Project.id)
Index("ix_projects_unit_year_id", Project.unit_id, Project.fiscal_year_id.desc(), Project.id)
