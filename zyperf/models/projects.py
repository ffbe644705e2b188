"""Fiscal years with their settings, and projects (项目支出)."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from zyperf.domain.settings import YearSettings
from zyperf.extensions import db
from zyperf.models.accounts import Unit, User
from zyperf.models.base import Money, money_column, utcnow


def _default_settings() -> dict:
    return YearSettings.defaults().to_json()


class FiscalYear(db.Model):
    """One budget year, its deadlines, and its settings (excel-formats §2, stored as their JSON form:
    a year keeps the defaults it was created with, whatever later code defaults say)."""

    __tablename__ = "fiscal_years"
    __table_args__ = (CheckConstraint("major_project_threshold >= 0", name="threshold"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    major_project_threshold: Mapped[Decimal] = mapped_column(Money, default=Decimal("500.00"))
    settings: Mapped[dict] = mapped_column(JSON, default=_default_settings)
    ex_ante_due: Mapped[date | None]
    targets_due: Mapped[date | None]
    monitoring_due: Mapped[date | None]
    evaluation_due: Mapped[date | None]
    rectification_due: Mapped[date | None]
    is_current: Mapped[bool] = mapped_column(Boolean, default=False)

    @property
    def year_settings(self) -> YearSettings:
        return YearSettings.from_json(self.settings)

    @property
    def monitoring_month(self) -> int:
        return self.year_settings.monitoring_month

    @property
    def indicator_framework(self) -> str:
        return self.year_settings.indicator_framework

    def __str__(self) -> str:
        return f"{self.year}年"


class Project(db.Model):
    """A unit's project expenditure (项目支出) in one fiscal year. Amounts in 万元, by fund source
    (excel-formats §4.3): 财政资金, 财政专户管理资金, 单位资金, 其他资金; 上年结转资金 is part of 财政资金.
    总额 is their sum, kept for queries and never entered."""

    __tablename__ = "projects"
    __table_args__ = (
        UniqueConstraint("fiscal_year_id", "name", "unit_id", name="year_unit_name"),
        # SQLite compares NUMERIC columns as floating point (0.1 + 0.2 ≠ 0.3), so the sum is checked to
        # within half a cent; the service computes the total exactly in Decimal.
        CheckConstraint(
            "abs(total_amount - (fiscal_amount + special_amount + unit_amount + other_amount)) < 0.005",
            name="amounts_add_up",
        ),
        CheckConstraint(
            "fiscal_amount >= 0 AND special_amount >= 0 AND unit_amount >= 0 AND other_amount >= 0"
            " AND carryover_amount >= 0 AND carryover_amount <= fiscal_amount",
            name="amounts_not_negative",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str | None] = mapped_column(String(40), index=True)  # 一体化项目编码, when known
    name: Mapped[str] = mapped_column(String(200))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    fiscal_year_id: Mapped[int] = mapped_column(ForeignKey("fiscal_years.id"), index=True)
    total_amount: Mapped[Decimal] = money_column()
    fiscal_amount: Mapped[Decimal] = money_column()  # 财政资金
    special_amount: Mapped[Decimal] = money_column()  # 财政专户管理资金
    unit_amount: Mapped[Decimal] = money_column()  # 单位资金
    other_amount: Mapped[Decimal] = money_column()  # 其他资金（社会投入资金、银行贷款）
    carryover_amount: Mapped[Decimal] = money_column()  # 上年结转资金, part of 财政资金
    is_new: Mapped[bool] = mapped_column(Boolean, default=False)
    is_major: Mapped[bool] = mapped_column(Boolean, default=False)
    added_mid_year: Mapped[bool] = mapped_column(Boolean, default=False)
    is_key_monitoring: Mapped[bool] = mapped_column(Boolean, default=False)
    # 项目库 (rules 三(二)): set when the project's targets become final; recorded by that transition.
    in_library_at: Mapped[datetime | None]
    # The final ex-ante conclusion and 建议预算控制数: the basis of the project's 一上 budget (rules 三(一)).
    ex_ante_conclusion: Mapped[str | None] = mapped_column(String(20))
    suggested_amount: Mapped[Decimal | None] = mapped_column(Money)
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
    def fund_amounts(self) -> dict[str, Decimal]:
        """The four sources by the keys of zyperf.domain.tables.FUND_SOURCES."""
        return {
            "fiscal": self.fiscal_amount,
            "special": self.special_amount,
            "unit": self.unit_amount,
            "other": self.other_amount,
        }

    @property
    def is_large(self) -> bool:
        """大额: at or above the year's threshold."""
        return self.total_amount >= self.fiscal_year.major_project_threshold

    @property
    def needs_ex_ante(self) -> bool:
        """New major projects and new large projects need an ex-ante assessment (rules 三(一)); so do
        those added during the year (年中追加: "参照上述要求执行"), which are new spending by nature."""
        return (self.is_new or self.added_mid_year) and (self.is_major or self.is_large)

    @property
    def in_library(self) -> bool:
        return self.in_library_at is not None

    @property
    def display_name(self) -> str:
        return f"{self.code}-{self.name}" if self.code else self.name

    def __str__(self) -> str:
        return self.display_name


# The project list's order (newest year first, then unit, then id), for all units and for one unit, with
# its year and unit filters; they also cover counting projects per year and unit.
Index("ix_projects_year_unit_id", Project.fiscal_year_id.desc(), Project.unit_id, Project.id)
Index("ix_projects_unit_year_id", Project.unit_id, Project.fiscal_year_id.desc(), Project.id)
