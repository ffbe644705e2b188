"""WTForms classes built from stage-form definitions. Every rule lives in zyperf.services.definitions
(check_field, check_conditions); the fields here only carry raw input to those checkers."""

import hashlib
import json
import re
from collections import OrderedDict

from markupsafe import Markup
from werkzeug.datastructures import FileStorage
from wtforms import Field, HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.utils import unset_value
from wtforms.validators import StopValidation

from forms.base import AppForm
from zyperf.models import FormDefinition
from zyperf.services import definitions as defs

CACHE_SIZE = 256
_FORM_CACHE: OrderedDict[tuple, type] = OrderedDict()


class Check:
    """Runs the shared checker of the field's type; stores the cleaned value on the field."""

    def __init__(self, spec: dict):
        self.spec = spec

    def __call__(self, form, field):
        try:
            field.cleaned = defs.check_field(self.spec, field.raw_value(), form.check_context())
        except defs.FieldError as exc:
            field.cleaned = defs.empty_value(self.spec)
            raise StopValidation("；".join(exc.messages)) from None


class RawMixin:
    def raw_value(self):
        return self.data


class TextField(RawMixin, StringField):
    pass


class LongTextField(RawMixin, TextAreaField):
    pass


class ChoiceField(RawMixin, SelectField):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, validate_choice=False, **kwargs)

    def raw_value(self):
        return self.data if self.data not in (None, "None") else None


class MultiChoiceField(RawMixin, SelectMultipleField):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, validate_choice=False, **kwargs)

    def process_data(self, value):
        self.data = list(value) if isinstance(value, list | tuple) else []


class AttachmentField(RawMixin, StringField):
    """An upload turns into metadata ({name, size, content_type}); a dict (prefilled or from JSON) is
    kept as it is. Storing the bytes is the document service's job."""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        value = valuelist[0]
        if isinstance(value, FileStorage):
            if not value.filename:
                self.data = None
                return
            value.stream.seek(0, 2)
            size = value.stream.tell()
            value.stream.seek(0)
            self.data = {"name": value.filename, "size": size, "content_type": value.mimetype or ""}
        else:
            self.data = value

    def _value(self):
        return self.data.get("name", "") if isinstance(self.data, dict) else ""


_ROW_KEY = re.compile(r"^(\d{1,4})-([a-z0-9]+)$")


class IndicatorTableWidget:
    """A grid of inputs named `<key>-<i>-<column>` with blank rows to fill (values escaped). 一级, 二级
    and 指标性质 offer the catalog's and the canonical values as suggestions (datalist); the checker
    still decides. static/js/zyperf.js adds rows (data-add-row)."""

    BLANK_ROWS = 3
    LISTS = {"level1": "l1", "level2": "l2", "nature": "nature"}

    def __call__(self, field, **kwargs):
        columns = dict(defs.TABLE_COLUMNS)
        columns.update({c: defs.EXTRA_COLUMNS[c] for c in field.spec.get("extra_columns") or []})
        rows = [r for r in (field.data or []) if isinstance(r, dict)] + [{}] * self.BLANK_ROWS
        head = Markup("").join(Markup("<th>{}</th>").format(label) for label in columns.values())
        cell = Markup('<td><input name="{}-{}-{}" value="{}"{}></td>')

        def list_attr(col):
            return (
                Markup(' list="{}-{}"').format(field.id, self.LISTS[col]) if col in self.LISTS else Markup("")
            )

        body = Markup("").join(
            Markup("<tr>{}</tr>").format(
                Markup("").join(
                    cell.format(
                        field.name, i, col, "" if row.get(col) is None else row.get(col), list_attr(col)
                    )
                    for col in columns
                )
            )
            for i, row in enumerate(rows)
        )
        catalog = field.catalog()
        options = {
            "l1": dict.fromkeys(a for a, _ in catalog),
            "l2": dict.fromkeys(b for _, b in catalog),
            "nature": dict.fromkeys(("=", "≥", "≤", "定性")),
        }
        datalists = Markup("").join(
            Markup('<datalist id="{}-{}">{}</datalist>').format(
                field.id, name, Markup("").join(Markup('<option value="{}">').format(v) for v in values)
            )
            for name, values in options.items()
        )
        add_row = Markup(  # static/js/zyperf.js adds the row: no inline script (the CSP forbids it)
            '<button type="button" class="btn btn-sm btn-outline-secondary mt-1" data-add-row="{}">添加一行</button>'
        ).format(field.id)
        return Markup(
            '<table class="indicator-table" id="{}"><thead><tr>{}</tr></thead><tbody>{}</tbody></table>{}{}'
        ).format(field.id, head, body, datalists, add_row)


class IndicatorTableField(Field):
    """Rows from form data named `<key>-<i>-<column>`, or a JSON list (a string, or the list itself
    when Flask-WTF wraps a JSON request body)."""

    widget = IndicatorTableWidget()

    def __init__(self, label=None, validators=None, spec=None, **kwargs):
        self._form = kwargs.get("_form")  # for the catalog suggestions; WTForms keeps only its meta
        super().__init__(label, validators, **kwargs)
        self.spec = spec or {}

    def process(self, formdata, data=unset_value, extra_filters=None):
        self.process_errors = []
        if data is unset_value:
            data = self.default() if callable(self.default) else self.default
        self.object_data = data
        self.data = data if isinstance(data, list) else []
        self.raw_data = None
        if formdata is not None:
            self.data = self._rows_from(formdata)

    def _rows_from(self, formdata):
        values = formdata.getlist(self.name)
        if values:
            if len(values) == 1 and isinstance(values[0], str):
                try:
                    return json.loads(values[0])
                except (ValueError, RecursionError):
                    return "invalid"  # the checker refuses anything that is not a list
            return list(values)
        prefix = f"{self.name}-"
        rows: dict[int, dict] = {}
        for name in formdata:
            if not name.startswith(prefix):
                continue
            match = _ROW_KEY.match(name[len(prefix) :])
            if match:
                rows.setdefault(int(match.group(1)), {})[match.group(2)] = formdata.get(name)
        # A trailing blank row is the widget's empty line, not an indicator.
        return [row for _, row in sorted(rows.items()) if any(str(v).strip() for v in row.values())]

    def raw_value(self):
        return self.data

    def catalog(self):
        """(一级, 二级) pairs for the suggestions, from the form's check context (loaded once)."""
        form = getattr(self, "_form", None)
        return form.check_context().catalog if form is not None else ()

    def _value(self):
        return json.dumps(self.data, ensure_ascii=False)


def _field_for(spec: dict) -> Field:
    kwargs = {"label": spec["label"], "description": spec.get("help", ""), "validators": [Check(spec)]}
    ftype = spec["type"]
    render_kw = {"required": True} if spec.get("required") else {}
    if ftype == "long_text":
        render_kw["maxlength"] = spec.get("max_length") or defs.LONG_TEXT_CAP
        return LongTextField(render_kw=render_kw, **kwargs)
    if ftype in ("choice", "yes_no"):
        choices = spec["choices"] if ftype == "choice" else [["yes", "是"], ["no", "否"]]
        return ChoiceField(
            choices=[("", "请选择")] + [tuple(c) for c in choices], render_kw=render_kw, **kwargs
        )
    if ftype == "multi_choice":
        return MultiChoiceField(choices=[tuple(c) for c in spec["choices"]], **kwargs)
    if ftype == "file":
        if spec.get("accept"):
            render_kw["accept"] = ",".join(f".{e}" for e in spec["accept"])
        return AttachmentField(render_kw={**render_kw, "type": "file"}, **kwargs)
    if ftype == "indicator_table":
        return IndicatorTableField(spec=spec, **kwargs)
    render_kw["type"] = {"integer": "number", "date": "date"}.get(ftype, "text")
    if ftype in ("decimal", "percent"):
        render_kw["inputmode"] = "decimal"
    if ftype == "text":
        render_kw["maxlength"] = spec.get("max_length") or defs.TEXT_CAP
    return TextField(render_kw=render_kw, **kwargs)


class StageForm(AppForm):
    """Base of the generated classes; `entry_data()` is the cleaned dict to store in a document."""

    version = HiddenField()  # the document's optimistic-lock version, for the pages
    _fields_spec: list[dict] = []
    _framework: str = ""
    _catalog_override = None
    complete = True  # False on the edit page: a draft may be incomplete, never wrong

    def check_context(self) -> defs.Context:
        if not hasattr(self, "_ctx"):
            if self._catalog_override is not None:
                self._ctx = defs.Context(lambda: tuple(self._catalog_override), complete=self.complete)
            else:
                self._ctx = defs.Context(lambda: defs.catalog_for(self._framework), complete=self.complete)
        return self._ctx

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if not self.complete:
            return ok
        cleaned = self.entry_data()
        for key, messages in defs.check_conditions(self._fields_spec, cleaned).items():
            self[key].errors = [*self[key].errors, *messages]
            ok = False
        return ok

    def entry_data(self) -> dict:
        return {spec["key"]: getattr(self[spec["key"]], "cleaned", None) for spec in self._fields_spec}


def _content_key(definition: FormDefinition) -> str:
    # A published definition never changes, so its hash is remembered on the instance.
    memo = definition.__dict__.get("_zyperf_content_key")
    if memo is not None and definition.is_published:
        return memo
    payload = json.dumps(
        [definition.kind, definition.fiscal_year_id, definition.version, definition.fields],
        ensure_ascii=False,
        sort_keys=True,
    )
    key = hashlib.sha256(payload.encode()).hexdigest()
    if definition.is_published:
        definition.__dict__["_zyperf_content_key"] = key
    return key


def build_stage_form(definition: FormDefinition) -> type[StageForm]:
    """The WTForms class of `definition`, cached per (id, version, content hash): a published version
    is immutable, and a draft's edits change the hash, so no stale class is ever returned."""
    cache_key = (definition.id, definition.version, _content_key(definition))
    cls = _FORM_CACHE.get(cache_key)
    if cls is not None:
        _FORM_CACHE.move_to_end(cache_key)
        return cls
    specs = json.loads(json.dumps(definition.fields))  # the class never shares the row's lists
    attrs: dict = {
        "_fields_spec": specs,
        "_framework": definition.fiscal_year.indicator_framework,
    }
    for spec in specs:
        attrs[spec["key"]] = _field_for(spec)
    cls = type(f"StageForm_{definition.kind}_v{definition.version}", (StageForm,), attrs)
    _FORM_CACHE[cache_key] = cls
    while len(_FORM_CACHE) > CACHE_SIZE:
        _FORM_CACHE.popitem(last=False)
    return cls
