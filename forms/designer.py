"""Forms of the form designer: one field definition at a time (its options by type), the whole list as
JSON, copying a year, importing. Which option a service's message belongs to comes from the problem
itself (zyperf.domain.definition.Problem), never from its wording."""

import math

from flask import flash
from wtforms import BooleanField, FileField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from forms.base import AppForm
from forms.fields import CheckboxesField
from zyperf.domain import indicators, stages, tables
from zyperf.domain.fields import FIELD_TYPES, TYPE_OPTIONS
from zyperf.errors import ValidationFailed

NUMBER_OPTIONS = ("min", "max", "weight_total")
INT_OPTIONS = ("max_length", "places", "max_bytes", "rows_min", "rows_max")
TABLE_MODES = {"targets": "目标（申报）", "monitoring": "监控", "evaluation": "评价（自评）"}


def _number(raw: str, *, integer: bool) -> int | float | None:
    try:
        if integer:
            return int(raw)
        value = float(raw)
    except ValueError:
        return None
    if not math.isfinite(value):
        return None
    return int(value) if value.is_integer() and "." not in raw and "e" not in raw.lower() else value


class FieldForm(AppForm):
    """One field of a definition. Options that the chosen type does not use are ignored."""

    key = StringField(
        "键（英文）",
        validators=[DataRequired("请填写键"), Length(max=40, message="键不超过 40 个字符")],
        description="小写字母开头，只含小写字母、数字和下划线，如 supervisor",
    )
    label = StringField(
        "名称", validators=[DataRequired("请填写名称")], description="可用 {period} 代表“1-8月”"
    )
    type = SelectField("类型", choices=list(FIELD_TYPES.items()), validate_choice=False)
    required = BooleanField("必填")
    help = TextAreaField("填写说明")
    min = StringField("最小值")
    max = StringField("最大值")
    places = StringField("小数位数")
    allow_negative = BooleanField("允许负数")
    max_length = StringField("字数上限")
    pattern = StringField("格式（正则表达式）")
    choices = TextAreaField("选项", description="每行一个，写作“值=显示文字”，如 a=优秀")
    accept = StringField("允许的文件类型", description="扩展名，用逗号分隔，如 pdf,docx")
    max_bytes = StringField("文件大小上限（字节）")
    rows_min = StringField("最少行数")
    rows_max = StringField("最多行数")
    weight_total = StringField("权重合计")
    mode = SelectField("指标表用途", choices=list(TABLE_MODES.items()), validate_choice=False)
    columns = CheckboxesField("资金列", choices=list(tables.FUND_COLUMNS.items()), validate_choice=False)
    labels = TextAreaField("资金列名称", description="每行一个，写作“列=名称”，如 executed={period}执行数")
    positive = SelectField(
        "合计须大于0的列", choices=[("", "（无）"), *tables.FUND_COLUMNS.items()], validate_choice=False
    )
    carryover = BooleanField("含上年结转资金（财政部 2020 版自评表）")
    formula = SelectField(
        "计算公式",
        choices=sorted({(k, v[0]) for names in stages.FORMULAS.values() for k, v in names.items()}),
        validate_choice=False,
    )
    extra_columns = SelectMultipleField(
        "附加列（旧版）", choices=list(indicators.LEGACY_COLUMNS.items()), validate_choice=False
    )

    def load(self, spec: dict) -> None:
        """Prefill from a stored field definition."""
        self.key.data = spec.get("key", "")
        self.label.data = spec.get("label", "")
        self.type.data = spec.get("type", "text")
        self.required.data = bool(spec.get("required"))
        self.help.data = spec.get("help", "")
        for name in (*NUMBER_OPTIONS, *INT_OPTIONS):
            self[name].data = "" if spec.get(name) is None else str(spec[name])
        self.allow_negative.data = bool(spec.get("allow_negative"))
        self.pattern.data = spec.get("pattern", "")
        self.choices.data = "\n".join(f"{v}={label}" for v, label in spec.get("choices") or [])
        self.accept.data = ",".join(spec.get("accept") or [])
        self.mode.data = spec.get("mode", "targets")
        self.columns.data = list(spec.get("columns") or [])
        self.labels.data = "\n".join(f"{k}={v}" for k, v in (spec.get("labels") or {}).items())
        self.positive.data = spec.get("positive", "")
        self.carryover.data = bool(spec.get("carryover"))
        self.formula.data = spec.get("formula", "")
        self.extra_columns.data = list(spec.get("extra_columns") or [])

    @staticmethod
    def _pairs(text: str) -> list[list[str]]:
        pairs = []
        for line in (text or "").splitlines():
            if line.strip():
                value, sep, label = line.partition("=")
                pairs.append([value.strip(), (label if sep else value).strip()])
        return pairs

    def to_spec(self, previous: dict | None = None) -> dict | None:
        """The field definition entered, or None after putting parse errors next to the fields. What
        is left (ranges, duplicates, empty choices) is the service's validate_definition's to judge."""
        ftype = (self.type.data or "").strip()
        spec: dict = {"key": (self.key.data or "").strip(), "label": (self.label.data or "").strip()}
        spec["type"] = ftype
        if self.required.data:
            spec["required"] = True
        if (self.help.data or "").strip():
            spec["help"] = self.help.data.strip()
        for kept in ("condition", "items"):  # kept; edited in the JSON view
            if previous and kept in previous:
                spec[kept] = previous[kept]
        options = TYPE_OPTIONS.get(ftype, frozenset())
        ok = True
        for name in NUMBER_OPTIONS + INT_OPTIONS:
            raw = (self[name].data or "").strip()
            if name not in options or not raw:
                continue
            number = _number(raw, integer=name in INT_OPTIONS or ftype == "integer")
            if number is None:
                self[name].errors = [*self[name].errors, "应为整数" if name in INT_OPTIONS else "应为数字"]
                ok = False
            else:
                spec[name] = number
        flags = {"allow_negative": self.allow_negative.data, "carryover": self.carryover.data}
        spec |= {name: True for name, on in flags.items() if name in options and on}
        texts = {"pattern": self.pattern.data, "mode": self.mode.data, "positive": self.positive.data}
        texts["formula"] = self.formula.data
        spec |= {name: v.strip() for name, v in texts.items() if name in options and (v or "").strip()}
        if "choices" in options:
            spec["choices"] = self._pairs(self.choices.data)
        if "accept" in options and (self.accept.data or "").strip():
            accept = self.accept.data.replace("，", ",").split(",")
            spec["accept"] = [e.strip().lower().lstrip(".") for e in accept if e.strip()]
        if "columns" in options:
            spec["columns"] = [c for c in tables.FUND_COLUMNS if c in (self.columns.data or [])] or ["amount"]
        if "labels" in options and (pairs := self._pairs(self.labels.data)):
            spec["labels"] = dict(pairs)
        if "extra_columns" in options and self.extra_columns.data:
            spec["extra_columns"] = list(self.extra_columns.data)
        return spec if ok else None

    def show(self, err: ValidationFailed, key: str | None) -> None:
        """Put the service's problems about this field (or the whole list) at the inputs they name."""
        problems = getattr(err, "problems", None) or []
        mine = [p for p in problems if p.key in (key, "fields") or p.key.startswith("fields[")]
        for problem in mine or problems:
            target = problem.option if problem.option in self._fields else "key"
            self[target].errors = [*self[target].errors, problem.message]
        if not problems:
            self.key.errors = [*self.key.errors, err.message]
        flash(
            "保存失败：" + "；".join(p.message for p in mine or problems) if problems else err.message,
            "error",
        )


class JsonForm(AppForm):
    fields_json = TextAreaField("字段列表（JSON）", validators=[DataRequired("请填写字段列表")])


class CopyYearForm(AppForm):
    from_year = SelectField("源年度", coerce=int)
    to_year = SelectField("目标年度", coerce=int)


class ImportForm(AppForm):
    fiscal_year = SelectField("导入到年度", coerce=int)
    file = FileField("JSON 文件")
    text = TextAreaField("或粘贴 JSON 文本")
