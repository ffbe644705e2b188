"""Charts drawn on the server as SVG: data in, markup out, nothing loaded from anywhere and no script.
Every string that comes from people (project and unit names) is escaped; each bar carries a <title>,
which browsers show on hover, and a link. Pure: no Flask, no database."""

from dataclasses import dataclass
from decimal import Decimal
from html import escape

from markupsafe import Markup

CLASS_COLOURS = {"正常": "#2e9d4f", "滞后": "#e0a100", "严重滞后": "#d63c3c", "不适用": "#8a939b"}
GRADE_COLOURS = {"优": "#2e9d4f", "良": "#5b8def", "中": "#e0a100", "差": "#d63c3c"}
NO_CLASS = "#b8c0c8"
FONT = 'font-family="Noto Sans CJK SC, Microsoft YaHei, sans-serif"'


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | None  # a fraction (0.5 is 50%); None: no figure (drawn as a stub)
    group: str | None  # the class that colours it
    href: str | None = None
    detail: str = ""  # more words for the hover title


def percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{(Decimal(value) * 100).quantize(Decimal('0.01'))}%"


def _attr(value) -> str:
    return escape(str(value), quote=True)


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _open(chart_id: str, width: int, height: int, font_size: int, title: str) -> str:
    """The <svg> element, scaled to its container's width, with its accessible title."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{_attr(chart_id)}" class="chart"'
        f' viewBox="0 0 {width} {height}" width="100%" role="img" aria-labelledby="{_attr(chart_id)}-title"'
        f' {FONT} font-size="{font_size}"><title id="{_attr(chart_id)}-title">{_attr(title)}</title>'
    )


def execution_chart(
    bars: list[Bar],
    *,
    reference: Decimal | None,
    reference_label: str = "时序进度",
    chart_id: str = "execution-chart",
    width: int = 960,
    height: int = 340,
) -> Markup:
    """Vertical bars of 执行率 (lowest first as given), coloured by class, against a dashed line at the
    reference progress. Names under the bars while they fit; always in each bar's hover title."""
    left, right, top = 48, 16, 28
    labelled = len(bars) <= 30
    bottom = 96 if labelled else 28
    plot_w, plot_h = width - left - right, height - top - bottom
    highest = max([Decimal(b.value) for b in bars if b.value is not None] + [reference or 0, Decimal(1)])
    ceiling = min(Decimal(2), (highest * Decimal("1.1")).quantize(Decimal("0.1")))

    def y(value: Decimal) -> float:
        return top + plot_h - float(min(Decimal(value), ceiling) / ceiling) * plot_h

    parts = [_open(chart_id, width, height, 12, f"各项目执行率与{reference_label}")]
    step = Decimal("0.25") if ceiling <= Decimal("1.2") else Decimal("0.5")
    tick = Decimal(0)
    while tick <= ceiling:
        ty = y(tick)
        parts.append(
            f'<line x1="{left}" y1="{ty:.1f}" x2="{width - right}" y2="{ty:.1f}" stroke="#e3e7eb"/>'
            f'<text x="{left - 6}" y="{ty + 4:.1f}" text-anchor="end" fill="#555">{percent(tick)[:-4]}%</text>'
        )
        tick += step
    slot = plot_w / max(len(bars), 1)
    bar_w = max(min(slot * 0.7, 36), 1)
    for i, bar in enumerate(bars):
        x = left + slot * i + (slot - bar_w) / 2
        colour = CLASS_COLOURS.get(bar.group or "", NO_CLASS)
        value = bar.value if bar.value is not None else Decimal(0)
        by = y(value)
        bar_h = max(top + plot_h - by, 1.5)
        title = f"{bar.label}：执行率 {percent(bar.value)}" + (f"，{bar.group}" if bar.group else "")
        if bar.detail:
            title += f"（{bar.detail}）"
        shape = (
            f'<rect x="{x:.1f}" y="{top + plot_h - bar_h:.1f}" width="{bar_w:.1f}" height="{bar_h:.1f}"'
            f' fill="{colour}" data-class="{_attr(bar.group or "")}"><title>{_attr(title)}</title></rect>'
        )
        if bar.href:
            shape = f'<a href="{_attr(bar.href)}" aria-label="{_attr(title)}">{shape}</a>'
        parts.append(shape)
        if labelled:
            cx, ly = x + bar_w / 2, top + plot_h + 10
            parts.append(
                f'<text x="{cx:.1f}" y="{ly:.1f}" text-anchor="end" font-size="11" fill="#333"'
                f' transform="rotate(-40 {cx:.1f} {ly:.1f})">{_attr(_short(bar.label, 10))}</text>'
            )
    parts.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" stroke="#888"/>'
    )
    if reference is not None:
        ry = y(reference)
        parts.append(
            f'<line class="reference" x1="{left}" y1="{ry:.1f}" x2="{width - right}" y2="{ry:.1f}"'
            f' stroke="#1f3b73" stroke-width="1.5" stroke-dasharray="6 4"/>'
            f'<text x="{width - right}" y="{ry - 5:.1f}" text-anchor="end" fill="#1f3b73" font-weight="bold"'
            f' paint-order="stroke" stroke="#fff" stroke-width="4">{_attr(reference_label)} {percent(reference)}</text>'
        )
    x = left
    for name, colour in CLASS_COLOURS.items():
        parts.append(
            f'<rect x="{x}" y="8" width="11" height="11" fill="{colour}"/>'
            f'<text x="{x + 15}" y="18" fill="#333">{_attr(name)}</text>'
        )
        x += 30 + 13 * len(name)
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every value above is escaped


def count_chart(
    counts: dict[str, int],
    colours: dict[str, str],
    *,
    chart_id: str,
    title: str,
    width: int = 420,
    row_height: int = 28,
    hrefs: dict[str, str] | None = None,
) -> Markup:
    """Horizontal bars of counts (grades, classes): a label, the bar, the count and its share."""
    left, right = 40, 90
    height = row_height * len(counts) + 12
    total = sum(counts.values())
    largest = max(counts.values(), default=0) or 1
    parts = [_open(chart_id, width, height, 13, title)]
    for i, (name, n) in enumerate(counts.items()):
        y = 6 + i * row_height
        bar_w = (width - left - right) * n / largest
        share = f"{n * 100 / total:.0f}%" if total else "0%"
        shape = (
            f'<rect x="{left}" y="{y}" width="{max(bar_w, 1.5):.1f}" height="{row_height - 8}"'
            f' fill="{colours.get(name, NO_CLASS)}"><title>{_attr(name)}：{n} 个（{share}）</title></rect>'
        )
        if hrefs and hrefs.get(name):
            shape = f'<a href="{_attr(hrefs[name])}">{shape}</a>'
        parts.append(
            f'<text x="{left - 8}" y="{y + row_height / 2 + 1}" text-anchor="end" fill="#333">{_attr(name)}</text>'
            + shape
            + f'<text x="{left + bar_w + 6:.1f}" y="{y + row_height / 2 + 1}" fill="#333"'
            f' data-count="{_attr(name)}">{n}（{share}）</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every value above is escaped
