"""Template filters: times in Beijing time, and history changes in the words of the form."""

from datetime import UTC, datetime, timedelta, timezone

BEIJING = timezone(timedelta(hours=8), "北京时间")


def local_time(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """Timestamps are stored as naive UTC; people read Beijing time."""
    if value is None:
        return "—"
    return value.replace(tzinfo=UTC).astimezone(BEIJING).strftime(fmt)


def change_text(value) -> str:
    """One side of a field change, short enough for a timeline."""
    if value is None or value == "" or value == []:
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        if value and isinstance(value[0], dict):
            return f"{len(value)} 行"
        return "、".join(map(str, value))
    if isinstance(value, dict):
        return str(value.get("name", "…"))
    text = str(value)
    return text if len(text) <= 60 else text[:60] + "…"


def register_template_filters(app) -> None:
    app.add_template_filter(local_time, "local_time")
    app.add_template_filter(change_text, "change_text")
