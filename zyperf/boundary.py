"""The boundary: every value a request carries (query args, path ids, form values, JSON) becomes a
domain value here, or a BadRequest (400) with a Chinese message naming the parameter.

No Flask and no database: functions of raw values, so the API, the pages, the forms and the services
share one set of rules. Integers fit the database's 32-bit columns, digits are ASCII, JSON types are
what they claim, text carries no NUL, lone surrogate or stray control character, nesting is bounded.
"""

import json
import re
import unicodedata
from array import array
from itertools import accumulate

from zyperf.errors import BadRequest

INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
MAX_PAGE = 100_000
MAX_PER_PAGE = 500
MAX_JSON_DEPTH = 32  # document data nests four levels (data → table → row → cell); 32 is generous
MAX_JSON_BYTES = 8_000_000  # a document's data may hold 2,000,000 characters: up to 6 MB of UTF-8
MAX_TEXT = 100_000
MAX_FILENAME = 200

_INTEGER = re.compile(r"[+-]?[0-9]+")  # ASCII digits only: "²".isdigit() is True, int("²") fails
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_EXCEPT_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# For json_depth, each pass linear: escape pairs first, so that strings then hold no quote; then
# whole strings; then everything but brackets, which become steps of +1 and −1 (signed bytes).
_JSON_ESCAPE = re.compile(r"\\.", re.DOTALL)
_JSON_STRING = re.compile(r'"[^"]*"')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_BRACKET_STEPS = str.maketrans({"[": "\x01", "{": "\x01", "]": "\xff", "}": "\xff"})


def _refuse(name: str, message: str) -> BadRequest:
    return BadRequest(f"参数 {name} {message}", fields={name: [message]})


def integer(
    value, name: str, *, minimum: int = INT32_MIN, maximum: int = INT32_MAX, from_text: bool = True
) -> int:
    """An int within [minimum, maximum] from a JSON number (as in JSON Schema, 7.0 is the integer 7;
    7.5 is not) or, unless from_text=False (JSON bodies), a string of ASCII digits (query, path, form)."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif from_text and isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        digits = value.strip()
        number = int(digits) if len(digits) <= 20 else None  # int() of 5,000 digits raises anyway
    else:
        raise _refuse(name, "应为整数（半角数字）")
    if number is None or not minimum <= number <= maximum:
        raise _refuse(name, f"超出范围，应在 {minimum} 到 {maximum} 之间")
    return number


def optional_integer(value, name: str, **limits) -> int | None:
    """None for an absent or empty value, else integer()."""
    return None if value is None or value == "" else integer(value, name, **limits)


def record_id(value) -> int | None:
    """A row id as the database can hold it, or None (then the row does not exist: a plain 404)."""
    try:
        return integer(value, "id", minimum=1)
    except BadRequest:
        return None


def page_number(value, name: str = "page") -> int:
    """A 1-based page number; absent means the first page."""
    return optional_integer(value, name, minimum=1, maximum=MAX_PAGE) or 1


def page_size(value, default: int, name: str = "per_page") -> int:
    """Rows per page, 1 to MAX_PER_PAGE; absent means the default."""
    return optional_integer(value, name, minimum=1, maximum=MAX_PER_PAGE) or default


def boolean(value, name: str) -> bool:
    """JSON booleans only: the string "false" is not false, it is a mistake."""
    if not isinstance(value, bool):
        raise _refuse(name, "应为 true 或 false")
    return value


def optional_boolean(value, name: str) -> bool | None:
    return None if value is None else boolean(value, name)


def text_problem(value: str, *, multiline: bool = False) -> str | None:
    """Why a string may not be stored, or None. PostgreSQL refuses NUL in text, a lone surrogate
    cannot be encoded, and other control characters are refused except newline and tab in long text."""
    if "\x00" in value:
        return "含有不允许的空字符（NUL）"
    if _LONE_SURROGATE.search(value):
        return "含有无效的字符编码（孤立代理项）"
    if (_CONTROL_EXCEPT_LINES if multiline else _CONTROL).search(value):
        return "含有不允许的控制字符" + ("" if multiline else "（单行文本不能含换行或制表符）")
    return None


def text(value, name: str, *, max_length: int = MAX_TEXT, multiline: bool = False) -> str:
    """A string, checked by text_problem(), CRLF made LF, at most max_length characters."""
    if not isinstance(value, str):
        raise _refuse(name, "应为字符串")
    if multiline:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    if problem := text_problem(value, multiline=multiline):
        raise _refuse(name, problem)
    if len(value) > max_length:
        raise _refuse(name, f"过长，不超过 {max_length} 字")
    return value


def optional_text(value, name: str, **limits) -> str | None:
    return None if value is None else text(value, name, **limits)


def strings_problem(value, where: str = "") -> tuple[str, str] | None:
    """(path, problem) of the first key or string inside a parsed JSON value that may not be stored
    (NUL, lone surrogate), or None. Iterative: the depth was already bounded, but keep the stack flat."""
    stack = [(where, value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item or _LONE_SURROGATE.search(item):
                return path or "请求体", text_problem(item, multiline=True) or ""
        elif isinstance(item, dict):
            for key, child in item.items():
                child_path = f"{path}.{key}" if path else str(key)
                if "\x00" in key or _LONE_SURROGATE.search(key):
                    return printable(child_path.replace("\x00", "\\0")), "的键名含有不允许的字符"
                stack.append((child_path, child))
        elif isinstance(item, list):
            stack.extend((f"{path}[{i}]", child) for i, child in enumerate(item))
    return None


def json_depth(raw: str) -> int:
    """How deeply a JSON text nests at most (the deepest json.loads would recurse before it either
    finishes or meets an error), without recursion and without a Python loop over characters:
    strings are removed, brackets turned into +1/−1 and summed up in C. About 0.1 s per MB."""
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub("", _JSON_ESCAPE.sub("", raw)))
    steps = array("b", brackets.translate(_BRACKET_STEPS).encode("latin-1"))
    return max(accumulate(steps), default=0)


def parse_json(raw: bytes | str, *, max_depth: int = MAX_JSON_DEPTH):
    """Parse a JSON text after checking its depth (json.loads recurses: 50,000 levels would raise
    RecursionError), and refuse NaN/Infinity and strings that cannot be stored."""
    if len(raw) > MAX_JSON_BYTES:
        raise BadRequest(f"请求体过大（JSON 不超过 {MAX_JSON_BYTES // 1_000_000} MB）")
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise BadRequest("请求体不是有效的 UTF-8 文本") from None
    if json_depth(raw) > max_depth:
        raise BadRequest(f"请求体的 JSON 嵌套过深（最多 {max_depth} 层）")
    try:
        value = json.loads(raw, parse_constant=_no_constant)
    except ValueError as exc:
        raise BadRequest(f"请求体不是有效的 JSON：{exc}") from None
    if found := strings_problem(value):
        path, problem = found
        raise _refuse(path, problem)
    return value


def _no_constant(name: str):
    raise ValueError(f"不接受 {name}")


def printable(value):
    """Text as a page can send it: lone surrogates already stored (before the boundary refused them)
    become U+FFFD instead of failing the whole response. Markup stays Markup."""
    if isinstance(value, str) and not value.isascii() and _LONE_SURROGATE.search(value):
        return type(value)(_LONE_SURROGATE.sub("\ufffd", value))
    return value


def filename(value: str | None, *, default: str = "附件") -> str:
    """An uploaded file's name as we store and send it: no path parts, no control characters, no
    lone surrogates, at most MAX_FILENAME characters with the extension kept."""
    name = (value or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        " " if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c
        for c in _LONE_SURROGATE.sub("", name)
    )
    name = " ".join(name.split()).strip(" .")
    if len(name) > MAX_FILENAME:
        stem, dot, ext = name.rpartition(".")
        name = (
            stem[: MAX_FILENAME - len(ext) - 1] + dot + ext if dot and len(ext) <= 16 else name[:MAX_FILENAME]
        )
    return name or default
