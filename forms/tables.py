"""The table fields of stage forms: indicators (by mode), fund sources, ex-ante ratings, and computed
(read-only) values. Inputs are named `<key>-<row>-<column>`; every value is escaped. What a cell may
hold is the domain checkers' to decide; these only carry input to them and show what is stored."""

import json
import re

from markupsafe import Markup
from wtforms import Field
from wtforms.utils import unset_value

from zyperf.domain import figures, indicators, stages, tables

_ROW_KEY = re.compile(r"^(\d{1,4})-([a-z0-9_]+)$")
# A required field's or column's mark: a red * (CSS) and, for screen readers, the word.
REQUIRED_MARK = Markup(
    '<span class="required-mark" aria-hidden="true"></span><span class="sr-only">（必填）</span>'
)
_ROW_TEXT = {"level3": 14, "value": 6, "unit": 5, "weight": 4, "actual": 6, "expected": 6, "remark": 12}


def _period(field, text: str) -> str:
    form = getattr(field, "_form", None)
    return text.replace("{period}", getattr(form, "period", "1-8月"))


class _TableField(Field):
    """Rows from form data named `<key>-<i>-<column>`, or a JSON value (a string, or the value itself
    when Flask-WTF wraps a JSON request body). After form data, `positions` holds the posted row
    index of each row passed on (blank rows are left out), so figures go back to the right row."""

    positions: list[int] | None = None

    def __init__(self, label=None, validators=None, spec=None, **kwargs):
        self._form = kwargs.get("_form")  # the StageForm: catalog, family, period, carried
        super().__init__(label, validators, **kwargs)
        self.spec = spec or {}

    def process(self, formdata, data=unset_value, extra_filters=None):
        self.process_errors = []
        if data is unset_value:
            data = self.default() if callable(self.default) else self.default
        self.object_data = data
        self.data = data
        self.raw_data = None
        if formdata is not None and self._submitted(formdata):
            self.data = self.from_formdata(formdata)

    def _submitted(self, formdata) -> bool:
        prefix = f"{self.name}-"
        return self.name in formdata or any(n.startswith(prefix) for n in formdata)

    def _cells(self, formdata) -> dict[str, dict[str, object]]:
        values = formdata.getlist(self.name)
        if values:
            if len(values) == 1 and isinstance(values[0], str):
                try:
                    return {"__json__": json.loads(values[0])}
                except (ValueError, RecursionError):
                    return {"__json__": "invalid"}  # the checker refuses anything of the wrong shape
            return {"__json__": values[0] if len(values) == 1 else list(values)}
        prefix = f"{self.name}-"
        cells: dict[str, dict[str, object]] = {}
        for name in formdata:
            if name.startswith(prefix) and (match := _ROW_KEY.match(name[len(prefix) :])):
                many = formdata.getlist(name)
                cells.setdefault(match.group(1), {})[match.group(2)] = many if len(many) > 1 else many[0]
        return cells

    def raw_value(self):
        return self.data

    def _value(self):
        return json.dumps(self.data, ensure_ascii=False)

    def input(self, row, column: str, value, **attrs) -> Markup:
        extra = Markup("").join(Markup(' {}="{}"').format(k.replace("_", "-"), v) for k, v in attrs.items())
        return Markup('<input name="{}-{}-{}" value="{}"{}>').format(
            self.name, row, column, "" if value is None else value, extra
        )


class IndicatorTableField(_TableField):
    """The indicator table. The promise (一级 … 权重) is an input while targets are drafted, and plain
    text where it is carried from final targets (monitoring, evaluation)."""

    BLANK_ROWS = 3

    def raw_value(self):
        """Posted rows; where the promise is carried, its columns come from the stored rows (the page
        shows them as text, not inputs), and the service checks that nothing changed them. Carried
        rows are all kept, even while nothing is entered in them yet."""
        stored = self.object_data
        posted = getattr(self, "posted_rows", None)
        data = posted if posted is not None else self.data
        if (
            not getattr(self._form, "carried", False)
            or not isinstance(stored, list)
            or not isinstance(data, list)
        ):
            return self.data
        if posted is not None:
            self.positions = self.posted_positions  # figures go back to every posted row
        return [
            {**{c: old.get(c) for c in indicators.CARRIED}, **row} if isinstance(row, dict) else row
            for old, row in zip(stored, data, strict=False)
        ] + data[len(stored) :]

    def from_formdata(self, formdata):
        cells = self._cells(formdata)
        if "__json__" in cells:
            return cells["__json__"]
        posted = []
        for index, row in sorted(cells.items(), key=lambda item: int(item[0])):
            if "causes" in row and not isinstance(row["causes"], list):
                row["causes"] = [row["causes"]] if row["causes"] else []
            posted.append((int(index), row))
        # The form learns it carries only after processing, so raw_value decides which rows count;
        # here a blank new row is the widget's empty line, not an indicator.
        self.posted_rows = [row for _, row in posted]
        self.posted_positions = [index for index, _ in posted]
        kept = [
            (i, r)
            for i, r in posted
            if any(str(v).strip() for k, v in r.items() if k != "causes") or r.get("causes")
        ]
        self.positions = [index for index, _ in kept]
        return [row for _, row in kept]

    def __call__(self, **kwargs):
        form = self._form
        carried = bool(getattr(form, "carried", False))
        mode = indicators.mode(self.spec)
        columns = indicators.columns(self.spec)
        shown = [c for c in columns if c not in ("score_by",)]
        data = self.raw_value() if carried else self.data
        rows = [r for r in (data if isinstance(data, list) else []) if isinstance(r, dict)]
        if not carried:
            rows = rows + [{}] * self.BLANK_ROWS
        required = indicators.required_columns(self.spec) - (set(indicators.CARRIED) if carried else set())
        head = Markup("").join(
            Markup('<th data-column="{}">{}{}</th>').format(
                c, _period(self, columns[c]), REQUIRED_MARK if c in required else ""
            )
            for c in shown
        )
        body = Markup("").join(
            Markup('<tr data-row="{}">{}</tr>').format(
                i, Markup("").join(self._cell(i, row, c, carried, mode) for c in shown)
            )
            for i, row in enumerate(rows)
        )
        lists = self._datalists() if not carried else Markup("")
        total = (
            Markup("")
            if carried
            else Markup(
                '<div class="small text-muted mt-1">权重合计 <span class="weight-total" data-weight-total="{}"'
                ' data-weight-expected="{}">{}</span>（应为 {}，送审时须相等）</div>'
            ).format(
                self.id,
                self.spec.get("weight_total", 90),
                figures.fmt_number(indicators.weight_total([r for r in rows if r.get("weight")])),
                self.spec.get("weight_total", 90),
            )
        )
        add = (
            Markup(
                '<button type="button" class="btn btn-sm btn-outline-secondary mt-1" data-add-row="{}">添加一行</button>'
            ).format(self.id)
            if not carried
            else Markup("")
        )
        return Markup(
            '<table class="indicator-table" id="{}" data-mode="{}"><thead><tr>{}</tr></thead><tbody>{}</tbody></table>{}{}{}'
        ).format(self.id, mode, head, body, total, lists, add)

    def _cell(self, i: int, row: dict, column: str, carried: bool, mode: str) -> Markup:
        value = row.get(column)
        if column in indicators.CARRIED and carried:
            text = "★" if column == "core" and value else ("" if column == "core" else value)
            return Markup('<td class="carried">{}</td>').format("" if text is None else text)
        if column == "core":
            checked = Markup(" checked") if value is True else Markup("")
            return Markup('<td><input type="checkbox" name="{}-{}-core" value="是"{}></td>').format(
                self.name, i, checked
            )
        if column in indicators.COMPUTED_COLUMNS:
            return Markup('<td class="computed" data-row-figure="{}-{}-{}">{}</td>').format(
                self.name, i, column, value or ""
            )
        if column == "likelihood":
            return Markup("<td>{}</td>").format(self._select(i, column, indicators.LIKELIHOODS, value))
        if column == "grade":
            if carried and row.get("nature") != indicators.QUALITATIVE:
                return Markup('<td class="text-muted">—</td>')
            return Markup("<td>{}</td>").format(
                self._select(i, column, {g: g for g in figures.QUALITATIVE_GRADES}, value)
            )
        if column == "causes":
            chosen = set(value or [])
            boxes = Markup("").join(
                Markup(
                    '<label class="mr-1"><input type="checkbox" name="{}-{}-causes" value="{}"{}>{}</label>'
                ).format(self.name, i, code, Markup(" checked") if code in chosen else Markup(""), label)
                for code, label in indicators.CAUSES.items()
            )
            return Markup('<td class="causes">{}</td>').format(boxes)
        if column == "score_entered" and row.get("score_by"):
            return Markup('<td>{}<div class="small text-muted">{}</div></td>').format(
                self.input(i, column, value, size=4), row["score_by"]
            )
        lists = {"level1": "l1", "level2": "l2", "nature": "nature"}
        attrs = {"list": f"{self.id}-{lists[column]}"} if column in lists and not carried else {}
        return Markup("<td>{}</td>").format(
            self.input(i, column, value, size=_ROW_TEXT.get(column, 10), **attrs)
        )

    def _select(self, i: int, column: str, options: dict[str, str], value) -> Markup:
        opts = Markup("").join(
            Markup('<option value="{}"{}>{}</option>').format(
                v, Markup(" selected") if v == value else Markup(""), label
            )
            for v, label in {"": "请选择", **options}.items()
        )
        return Markup('<select name="{}-{}-{}">{}</select>').format(self.name, i, column, opts)

    def _datalists(self) -> Markup:
        catalog = self._form.check_context().catalog if self._form is not None else ()
        options = {
            "l1": dict.fromkeys(a for a, _ in catalog),
            "l2": dict.fromkeys(b for _, b in catalog),
            "nature": dict.fromkeys(indicators.NATURES),
        }
        return Markup("").join(
            Markup('<datalist id="{}-{}">{}</datalist>').format(
                self.id, name, Markup("").join(Markup('<option value="{}">').format(v) for v in values)
            )
            for name, values in options.items()
        )


class FundTableField(_TableField):
    """Fund sources × the columns the stage asks for; 总额 is shown, never entered."""

    def from_formdata(self, formdata):
        cells = self._cells(formdata)
        if "__json__" in cells:
            return cells["__json__"]
        return {source: dict(row) for source, row in cells.items()}

    def _cells(self, formdata):
        values = formdata.getlist(self.name)
        if values:
            return super()._cells(formdata)
        prefix = f"{self.name}-"
        cells: dict[str, dict[str, object]] = {}
        for name in formdata:
            if name.startswith(prefix):
                source, _, column = name[len(prefix) :].partition("-")
                if source and column:
                    cells.setdefault(source, {})[column] = formdata.get(name)
        return cells

    def __call__(self, **kwargs):
        form = self._form
        family = form.check_context().family if form is not None else None
        columns = tables.fund_columns(self.spec)
        value = self.data if isinstance(self.data, dict) else {}
        head = Markup("").join(
            Markup("<th>{}</th>").format(_period(self, tables.column_label(self.spec, c))) for c in columns
        )
        total = Markup("").join(
            Markup('<td class="computed" data-fund-total="{}-{}">{}</td>').format(
                self.name, c, tables.fund_total(value, c)
            )
            for c in columns
        )
        rows = Markup("").join(
            Markup("<tr><th>{}</th>{}</tr>").format(
                tables.source_label(source),
                Markup("").join(
                    Markup("<td>{}</td>").format(
                        self.input(
                            source, c, (value.get(source) or {}).get(c, ""), size=10, inputmode="decimal"
                        )
                    )
                    for c in columns
                ),
            )
            for source in tables.fund_sources(self.spec, family)
        )
        return Markup(
            '<table class="fund-table indicator-table" id="{}"><thead><tr><th>资金来源</th>{}</tr></thead>'
            "<tbody><tr><th>年度资金总额</th>{}</tr>{}</tbody></table>"
        ).format(self.id, head, total, rows)


class RatingTableField(_TableField):
    """The 20 sub-items of the ex-ante scoring sheet: a rating each (优/良/中/差) and an opinion."""

    def from_formdata(self, formdata):
        cells = self._cells(formdata)
        if "__json__" in cells:
            return cells["__json__"]
        items = tables.rating_items(self.spec)
        return [
            {k: v for k, v in (cells.get(str(i)) or {}).items() if k in ("rating", "opinion")}
            for i in range(len(items))
        ]

    def __call__(self, **kwargs):
        stored = self.data if isinstance(self.data, list) else []
        items = tables.rating_items(self.spec)
        body = []
        for i, (aspect, item) in enumerate(items):
            row = stored[i] if i < len(stored) and isinstance(stored[i], dict) else {}
            first = i % 4 == 0
            aspect_cell = (
                Markup(
                    '<th rowspan="4">{}<div class="small text-muted" data-aspect-score="{}">{}</div></th>'
                ).format(aspect, i // 4, "")
                if first
                else Markup("")
            )
            radios = Markup("").join(
                Markup(
                    '<td class="text-center"><input type="radio" name="{}-{}-rating" value="{}"{} aria-label="{} {}"></td>'
                ).format(
                    self.name, i, r, Markup(" checked") if row.get("rating") == r else Markup(""), item, r
                )
                for r in figures.EXANTE_RATINGS
            )
            body.append(
                Markup("<tr>{}<td>{}</td>{}<td>{}</td></tr>").format(
                    aspect_cell,
                    item,
                    radios,
                    self.input(i, "opinion", row.get("opinion", ""), size=24, maxlength=100),
                )
            )
        head = (
            Markup("<th>评估内容</th><th>评估要点</th>")
            + Markup("").join(Markup("<th>{}</th>").format(r) for r in figures.EXANTE_RATINGS)
            + Markup("<th>评估意见</th>")
        )
        return Markup(
            '<table class="rating-table indicator-table" id="{}"><thead><tr>{}</tr></thead><tbody>{}</tbody></table>'
        ).format(self.id, head, Markup("").join(body))

    def _aspect_score(self, index: int) -> str:
        scores = (getattr(self._form, "figures", None) or {}).get("aspect_scores") or []
        score = scores[index] if index < len(scores) else None
        return "" if score is None else f"{figures.fmt_number(score)} 分"


class ComputedField(Field):
    """A figure the server computes from the document (never taken from input), shown read-only."""

    def __init__(self, label=None, validators=None, spec=None, **kwargs):
        self._form = kwargs.get("_form")
        super().__init__(label, validators, **kwargs)
        self.spec = spec or {}

    def process_formdata(self, valuelist):
        pass  # a computed value is never read from a request

    def raw_value(self):
        return None

    def __call__(self, **kwargs):
        kind = getattr(self._form, "kind", "")
        text = stages.display(kind, self.spec.get("formula", ""), self.data)
        return Markup(
            '<output class="form-control-plaintext computed" id="{}" data-computed="{}">{}</output>'
        ).format(self.id, self.name, text)
