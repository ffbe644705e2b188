"""The system's clock: what "now" (timestamps, naive UTC) and "today" (deadlines, overdue marks) are.

Normally the machine's. The setting ZYPERF_TODAY (environment or app config, YYYY-MM-DD) sets the date
the system lives on, the time of day staying real: the demo bureau reads as mid-2026 whenever it is
served (`make run` sets it). Seeding a story steps through its days with `travelling()`, so its history
carries the dates on which people would have acted."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime, timedelta

from flask import current_app, has_app_context

BEIJING = timedelta(hours=8)  # stories are told in Beijing time; timestamps are stored as UTC
# (where the story stands, in UTC; the real UTC time it got there): time runs on from that point.
_travel: ContextVar[tuple[datetime, datetime] | None] = ContextVar("zyperf_clock_travel", default=None)


def parse_today(value) -> date | None:
    """ZYPERF_TODAY as a date (None when unset); a clear error for anything else."""
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"ZYPERF_TODAY 应为日期 YYYY-MM-DD，而不是 {value!r}") from None


def _real_utc() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _setting() -> date | None:
    return current_app.config.get("ZYPERF_TODAY") if has_app_context() else None


def _offset() -> timedelta:
    """How far ZYPERF_TODAY moves the calendar (whole days): so far that it is that day in Beijing."""
    setting = _setting()
    return timedelta(days=(setting - (_real_utc() + BEIJING).date()).days) if setting else timedelta(0)


def now() -> datetime:
    """The time now, naive UTC (as every timestamp is stored)."""
    travel = _travel.get()
    if travel is not None:
        at, started = travel
        return at + (_real_utc() - started)
    return _real_utc() + _offset()


def today() -> date:
    """The day deadlines are judged by: the machine's date, or the day in Beijing that ZYPERF_TODAY
    sets or a story being told has reached (so that today and the time stamped now agree)."""
    if _travel.get() is not None or _setting():
        return (now() + BEIJING).date()
    return date.today()


@contextmanager
def travelling() -> Iterator:
    """Within the block, `go(datetime)` (Beijing time) puts the clock there; time then runs on from
    that point until the next `go`. The clock is back to normal after the block."""
    token = _travel.set(None)

    def go(at: datetime) -> None:
        _travel.set((at - BEIJING, _real_utc()))

    try:
        yield go
    finally:
        _travel.reset(token)
