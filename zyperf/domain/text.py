"""Values as people type them: text normalisation (excel-formats §1.2), numbers and amounts (G1, G2)."""

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

MAX_NUMBER = Decimal("1e15")
MAX_NUMBER_CHARS = 40
AMOUNT_MESSAGE = "金额应为不小于0的数字，最多两位小数"  # G1
_CONTROL_RE = re.compile(r"[\x00-\x09\x0b-\x1f]")


class FieldError(Exception):
    """One value is refused; carries its Chinese messages."""

    def __init__(self, *messages: str):
        super().__init__(*messages)
        self.messages = list(messages)


def normalize_text(value: str) -> str:
    """§1.2: CRLF/CR → LF, tab → space, the other C0 controls deleted, both ends stripped."""
    value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return _CONTROL_RE.sub("", value).strip()


def is_empty(value) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return normalize_text(value) == ""
    return isinstance(value, list | tuple | dict) and len(value) == 0


def check_text(value, label: str, limit: int, *, single_line: bool = False) -> str:
    """Normalised text of at most `limit` 字 (G2), or FieldError naming the field."""
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise FieldError(f"{label}应为文本")
    raw = str(value)
    if len(raw) > max(limit * 4, 40_000):  # refuse megabytes before normalising them
        raise FieldError(f"{label}不得超过{limit}字")
    text = normalize_text(raw)
    if len(text) > limit:
        raise FieldError(f"{label}不得超过{limit}字，当前{len(text)}字")
    if single_line and "\n" in text:
        raise FieldError(f"{label}应为单行文本")
    return text


def parse_number(value, label: str) -> Decimal:
    """A finite Decimal from an int, Decimal or numeric string (a float only through its repr);
    booleans, exponents beyond range and junk are refused."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise FieldError(f"{label}应为数字")
    raw = repr(value) if isinstance(value, float) else str(value).strip()
    if raw.endswith("%"):
        raise FieldError(f"{label}应为数字（不带%）")
    if not raw or len(raw) > MAX_NUMBER_CHARS or not raw.isascii():
        raise FieldError(f"{label}应为数字")
    try:
        number = Decimal(raw)
    except InvalidOperation:
        raise FieldError(f"{label}应为数字") from None
    if not number.is_finite() or abs(number) >= MAX_NUMBER:
        raise FieldError(f"{label}应为有效数字")
    return abs(number) if number == 0 else number  # no "-0"


def decimal_places(number: Decimal) -> int:
    exponent = number.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def format_number(number: Decimal) -> str:
    """Plain notation, no exponent; keeps the entered scale ('7.20' stays '7.20')."""
    return format(number, "f")


def plain_number(number: Decimal) -> str:
    """Plain notation without exponent or trailing zeros: 100, 98.5 (§1.2, numbers inside text)."""
    return "0" if number == 0 else format(number.normalize(), "f")


def check_amount(value, label: str) -> Decimal:
    """An amount in 万元: ≥ 0 with at most 2 decimals (G1), quantized to cents."""
    try:
        number = parse_number(value, label)
    except FieldError:
        big = to_decimal(value) if isinstance(value, str | int | float | Decimal) else None
        if big is not None and abs(big) >= MAX_NUMBER:
            raise FieldError(f"{label}：金额过大") from None
        raise FieldError(f"{label}：{AMOUNT_MESSAGE}") from None
    if number < 0 or decimal_places(number) > 2:
        raise FieldError(f"{label}：{AMOUNT_MESSAGE}")
    return number.quantize(Decimal("0.01"))


def to_decimal(value) -> Decimal | None:
    """A stored (already checked) numeric string back to Decimal; None when empty or not a number."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def check_date(value, label: str) -> dt.date:
    """A date (or YYYY-MM-DD text) between 1900 and 2200, or FieldError naming the field."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        day = value
    elif isinstance(value, str) and len(value.strip()) == 10 and value.strip().isascii():
        try:
            day = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise FieldError(f"{label}不是有效日期（YYYY-MM-DD）") from None
    else:
        raise FieldError(f"{label}应为日期（YYYY-MM-DD）")
    if not 1900 <= day.year <= 2200:
        raise FieldError(f"{label}不是有效日期")
    return day


def period_label(month: int) -> str:
    """`1-{m}月`, or `1月` when m = 1 (excel-formats §2): what `{period}` in a label reads."""
    return "1月" if month == 1 else f"1-{month}月"
