"""The boundary's rules, value by value (zyperf/boundary.py): what becomes a domain value and what
is a 400 naming the parameter."""

import pytest

from zyperf import boundary
from zyperf.errors import BadRequest

BIG = "99999999999999999999"
INT32_OVER = str(2**31)


@pytest.mark.parametrize(
    ("raw", "expected"), [("12", 12), (" 7 ", 7), ("-3", -3), (5, 5), (2.0, 2), ("2147483647", 2**31 - 1)]
)
def test_integers_the_database_can_hold_pass(raw, expected):
    assert boundary.integer(raw, "year") == expected


@pytest.mark.parametrize(
    "raw", ["²", "١٢", "1e3", "1.5", 1.5, True, None, "", BIG, INT32_OVER, "9" * 5000, [1]]
)
def test_anything_else_is_a_400_naming_the_parameter(raw):
    with pytest.raises(BadRequest) as refused:
        boundary.integer(raw, "year")
    assert "year" in refused.value.message and refused.value.status == 400


def test_booleans_are_booleans():
    assert boundary.boolean(False, "is_new") is False
    for raw in ("false", 0, 1, None, "true"):
        with pytest.raises(BadRequest, match="is_new 应为 true 或 false"):
            boundary.boolean(raw, "is_new")


@pytest.mark.parametrize(
    ("raw", "multiline", "problem"),
    [
        ("a\x00b", True, "NUL"),
        ("a\ud800b", True, "孤立代理项"),
        ("a\x07b", True, "控制字符"),
        ("a\nb", False, "单行"),
        ("a\tb", False, "控制字符"),
    ],
)
def test_text_refuses_what_cannot_be_stored_or_shown(raw, multiline, problem):
    with pytest.raises(BadRequest, match=problem):
        boundary.text(raw, "name", multiline=multiline)


def test_long_text_keeps_lines_and_tabs_and_caps_length():
    assert boundary.text("a\r\nb\tc", "comment", multiline=True) == "a\nb\tc"
    with pytest.raises(BadRequest, match="不超过 5 字"):
        boundary.text("x" * 6, "name", max_length=5)


def test_json_depth_is_counted_without_recursion_and_strings_do_not_count():
    assert boundary.json_depth('[1, "[[[[", {"a": [2, "\\"]]"]}]') == 3
    assert boundary.json_depth("[" * 50_000 + "]" * 50_000) == 50_000
    with pytest.raises(BadRequest, match="嵌套过深"):
        boundary.parse_json("[" * 50_000 + "]" * 50_000)


def test_json_bodies_are_bounded_in_size_and_counted_quickly():
    with pytest.raises(BadRequest, match="请求体过大"):
        boundary.parse_json(b" " * (boundary.MAX_JSON_BYTES + 1))
    assert boundary.json_depth("[" * 4_000_000) == 4_000_000  # counted without recursion
    assert boundary.json_depth("]][[") == 0  # a parser gives up at the first bracket
    deepest_allowed = []
    for _ in range(boundary.MAX_JSON_DEPTH - 1):
        deepest_allowed = [deepest_allowed]
    assert boundary.parse_json("[" * 32 + "]" * 32) == deepest_allowed
    with pytest.raises(BadRequest, match="嵌套过深"):
        boundary.parse_json("[" * 33 + "]" * 33)


def test_page_numbers_and_sizes_are_bounded():
    assert boundary.page_number(None) == 1 and boundary.page_number("3") == 3
    assert boundary.page_size(None, 50) == 50 and boundary.page_size("100", 50) == 100
    for raw in ("0", str(boundary.MAX_PAGE + 1), "²"):
        with pytest.raises(BadRequest, match="page"):
            boundary.page_number(raw)
    with pytest.raises(BadRequest, match="per_page"):
        boundary.page_size(str(boundary.MAX_PER_PAGE + 1), 50)


@pytest.mark.parametrize("raw", ['{"a": NaN}', '{"a": Infinity}', '{"a": "\\u0000"}', '{"\\ud800": 1}'])
def test_json_constants_nul_and_lone_surrogates_are_refused(raw):
    with pytest.raises(BadRequest):
        boundary.parse_json(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a\nb.pdf", "a b.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\报告\\评估.pdf", "评估.pdf"),
        ("\u202egpj.exe", "gpj.exe"),
        ("\ud800", "附件"),
        ("...", "附件"),
    ],
)
def test_file_names_are_cleaned(raw, expected):
    assert boundary.filename(raw) == expected


def test_long_file_names_keep_their_extension():
    name = boundary.filename("长" * 300 + ".pdf")
    assert len(name) == boundary.MAX_FILENAME and name.endswith(".pdf")
