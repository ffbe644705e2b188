"""The system's clock: the machine's, moved to another date by ZYPERF_TODAY (the demo is served on its
own), or stepped through a story's days while the demo is seeded."""

from datetime import UTC, date, datetime, timedelta

import pytest

from tests.conftest import make_app
from zyperf import clock
from zyperf.models.base import utcnow


def test_the_machines_clock_unless_told_otherwise(app):
    with app.app_context():
        assert clock.today() == date.today()
        assert abs(utcnow() - datetime.now(UTC).replace(tzinfo=None)) < timedelta(seconds=5)


def test_zyperf_today_moves_the_date_and_keeps_the_time_of_day(database_url):
    app = make_app(database_url, ZYPERF_TODAY="2026-09-20")
    with app.app_context():
        assert clock.today() == date(2026, 9, 20)
        # It is that day in Beijing: today and the time stamped now agree at any hour of the machine's.
        assert (utcnow() + clock.BEIJING).date() == date(2026, 9, 20)
        moved = utcnow() - datetime.now(UTC).replace(tzinfo=None)
        whole_days = timedelta(days=round(moved / timedelta(days=1)))
        assert abs(moved - whole_days) < timedelta(seconds=5)  # the time of day is the real one
    with pytest.raises(ValueError, match="ZYPERF_TODAY 应为日期"):
        make_app(database_url, ZYPERF_TODAY="20.9.2026")


def test_a_story_steps_through_its_days_in_beijing_time(app):
    with app.app_context(), clock.travelling() as go:
        go(datetime(2025, 1, 6, 7, 30))  # 07:30 in Beijing is the day before in UTC
        assert clock.today() == date(2025, 1, 6)
        assert utcnow().date() == date(2025, 1, 5) and utcnow().hour == 23
        go(datetime(2025, 9, 1, 16, 0))
        assert clock.today() == date(2025, 9, 1) and clock.now() >= datetime(2025, 9, 1, 8, 0)
    with app.app_context():
        assert clock.today() == date.today()
