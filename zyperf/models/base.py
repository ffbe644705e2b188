"""Shared column helpers."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Numeric
from sqlalchemy.orm import mapped_column

from zyperf import clock

Money = Numeric(14, 2, asdecimal=True)  # 万元, exact


def utcnow() -> datetime:
    """Naive UTC: SQLite keeps no zone, so every timestamp is stored as UTC without one. The system's
    clock (zyperf.clock), so a demo living on another day stamps that day."""
    return clock.now()


def money_column(**kw):
    return mapped_column(Money, nullable=False, default=Decimal("0.00"), **kw)
