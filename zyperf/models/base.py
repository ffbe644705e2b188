"""Shared column helpers."""

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import Numeric
from sqlalchemy.orm import mapped_column

Money = Numeric(14, 2, asdecimal=True)  # 万元, exact


def utcnow() -> datetime:
    """Naive UTC: SQLite keeps no zone, so every timestamp is stored as UTC without one."""
    return datetime.now(UTC).replace(tzinfo=None)


def money_column(**kw):
    return mapped_column(Money, nullable=False, default=Decimal("0.00"), **kw)
