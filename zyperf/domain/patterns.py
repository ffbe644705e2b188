"""Field patterns (an admin's regular expressions) run by RE2, whose matching time is linear in the
input: a pattern like `(a+)+b` cannot block a worker. Patterns RE2 cannot run (backreferences,
lookaround) are refused when the form is designed."""

from functools import lru_cache

import re2

MAX_PATTERN = 200
_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # a refused pattern is answered in Chinese, not logged to stderr
_OPTIONS.max_mem = 1 << 20  # 1 MB per compiled pattern: a pathological one is refused, not run


@lru_cache(maxsize=256)
def compile_pattern(pattern: str):
    return re2.compile(pattern, _OPTIONS)


def pattern_problem(pattern) -> str | None:
    """None when the pattern is usable, else why not (in Chinese)."""
    if not isinstance(pattern, str) or not 0 < len(pattern) <= MAX_PATTERN:
        return f"格式（正则表达式）应为1至{MAX_PATTERN}个字符"
    try:
        compile_pattern(pattern)
    except re2.error:
        return "格式（正则表达式）无效，或使用了不支持的写法（如反向引用、环视）"
    return None


def full_match(pattern: str, text: str) -> bool:
    return compile_pattern(pattern).fullmatch(text) is not None
