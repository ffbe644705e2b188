"""Working days for the demo's story: a step that would fall on a weekend is taken on the Monday."""

from datetime import date, timedelta


def workday(day: date) -> date:
    return day + timedelta(days=max(0, 7 - day.weekday())) if day.weekday() >= 5 else day


def later(start: str, *gaps: int) -> list[str]:
    """`start`, then each gap (days) after the previous step, every step on a working day."""
    day = workday(date.fromisoformat(start))
    days = [day]
    for gap in gaps:
        day = workday(day + timedelta(days=gap))
        days.append(day)
    return [d.isoformat() for d in days]
