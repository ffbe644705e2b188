"""WTForms classes built from stage-form definitions. Every rule lives in the domain's checkers
(zyperf.domain.fields); the fields here only carry raw input to them."""

import hashlib
import json
from collections import OrderedDict

from werkzeug.datastructures import FileStorage
from wtforms import Field, HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import StopValidation

from forms.base import AppForm
from forms.tables import ComputedField, FundTableField, IndicatorTableField, RatingTableField
from forms.worktables import ProblemTableField, TaskTableField
from zyperf.domain import fields as domain_fields
from zyperf.domain import rules
from zyperf.domain.fields import Context, FieldError, check_conditions, check_field, empty_value
from zyperf.domain.settings import YearSettings
from zyperf.models import FormDefinition
from zyperf.services.definitions import catalog_for

CACHE_SIZE = 256
_FORM_CACHE: OrderedDict[tuple, type] = OrderedDict()


class Check:
    """Runs the shared checker of the field's type; stores the cleaned value on the field."""

    def __init__(self, spec: dict):
        self.spec = spec

    def __call__(self, form, field):
        try:
            field.cleaned = check_field(self.spec, field.raw_value(), form.check_context())
        except FieldError as exc:
            field.cleaned = empty_value(self.spec)
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


def _field_for(spec: dict) -> Field:
    kwargs = {"label": spec["label"], "description": spec.get("help", ""), "validators": [Check(spec)]}
    ftype = spec["type"]
    render_kw = {"required": True} if spec.get("required") else {}
    if ftype == "long_text":
        render_kw["maxlength"] = spec.get("max_length") or domain_fields.LONG_TEXT_CAP
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
    table = {
        "indicator_table": IndicatorTableField,
        "fund_table": FundTableField,
        "rating_table": RatingTableField,
        "task_table": TaskTableField,
        "problem_table": ProblemTableField,
        "computed": ComputedField,
    }.get(ftype)
    if table is not None:
        return table(spec=spec, **kwargs)
    render_kw["type"] = {"integer": "number", "date": "date"}.get(ftype, "text")
    if ftype in ("decimal", "percent"):
        render_kw["inputmode"] = "decimal"
    if ftype == "text":
        render_kw["maxlength"] = spec.get("max_length") or domain_fields.TEXT_CAP
    return TextField(render_kw=render_kw, **kwargs)


class StageForm(AppForm):
    """Base of the generated classes; `entry_data()` is the cleaned dict to store in a document.

    The view tells an instance about its document: `settings` and `family` (what checkers need),
    `carried` (the promise is read-only), `period` (`1-8月`) and `figures` (computed values to show)."""

    version = HiddenField()  # the document's optimistic-lock version, for the pages
    _fields_spec: list[dict] = []
    _catalog_override = None
    kind = ""
    complete = True  # False on the edit page: a draft may be incomplete, never wrong
    settings: YearSettings = YearSettings()
    family: str | None = None
    carried = False
    period = "1-8月"
    figures: dict = {}

    def check_context(self) -> Context:
        if not hasattr(self, "_ctx"):
            if self._catalog_override is not None:
                loader = lambda: tuple(self._catalog_override)
            else:
                loader = lambda: catalog_for(self.settings.indicator_framework)
            self._ctx = Context(loader, complete=self.complete, settings=self.settings, family=self.family)
        return self._ctx

    def is_required(self, field) -> bool:
        """Required by the form's definition or by §5 (checked on 送审; a draft may leave it empty)."""
        return field.name in rules.required_keys(self.kind) or any(
            spec["key"] == field.name and spec.get("required") for spec in self._fields_spec
        )

    def condition_of(self, field) -> str:
        """When a field not always required becomes so (its definition's required_if, or §5's rule)."""
        spec = next((s for s in self._fields_spec if s["key"] == field.name), {})
        if text := domain_fields.condition_text(spec, self._fields_spec):
            return f"{text}时必填"
        return rules.conditions(self.kind, self.settings).get(field.name, "")

    def label_of(self, field) -> str:
        return field.label.text.replace("{period}", self.period)

    def description_of(self, field) -> str:
        return (field.description or "").replace("{period}", self.period)

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if not self.complete:
            return ok
        for key, messages in check_conditions(self._fields_spec, self.entry_data()).items():
            self[key].errors = [*self[key].errors, *messages]
            ok = False
        return ok

    def entry_data(self) -> dict:
        return {spec["key"]: getattr(self[spec["key"]], "cleaned", None) for spec in self._fields_spec}

    def show_errors(self, errors: dict[str, list[str]]) -> None:
        """Put a service's messages (by field key) next to the fields; others become form errors."""
        for key, messages in errors.items():
            field = self._fields.get(key)
            if field is not None:
                field.errors = [*field.errors, *(m for m in messages if m not in field.errors)]
            else:
                self.form_errors.extend(messages)


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
    attrs: dict = {"_fields_spec": specs, "kind": definition.kind}
    for spec in specs:
        attrs[spec["key"]] = _field_for(spec)
    cls = type(f"StageForm_{definition.kind}_v{definition.version}", (StageForm,), attrs)
    _FORM_CACHE[cache_key] = cls
    while len(_FORM_CACHE) > CACHE_SIZE:
        _FORM_CACHE.popitem(last=False)
    return cls
