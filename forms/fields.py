"""Field types shared by several forms."""

from markupsafe import Markup
from wtforms import Field, SelectMultipleField
from wtforms.utils import unset_value
from wtforms.widgets import CheckboxInput, ListWidget


class CheckboxesField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes: clearer than a multi-select box."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class PartsWidget:
    """One small input per part, each labelled; the wrapper carries the field's error state."""

    def __call__(self, field, **kwargs):
        css = kwargs.pop("class", "") or kwargs.pop("class_", "")
        invalid = " is-invalid" if "is-invalid" in css.split() else ""
        cells = []
        for key, label in field.parts:
            name = f"{field.name}-{key}"
            value = (field.data or {}).get(key, "")
            cells.append(
                Markup(
                    '<div class="col-auto mb-1"><label class="small text-muted mb-0" for="{id}">{label}</label>'
                    '<input class="form-control{invalid}" id="{id}" name="{id}" value="{value}" size="{size}">'
                    "</div>"
                ).format(
                    id=name,
                    label=label,
                    invalid=invalid,
                    value="" if value is None else value,
                    size=field.size,
                )
            )
        return Markup('<div class="form-row{invalid}" id="{id}">{cells}</div>').format(
            id=field.id, invalid=invalid, cells=Markup("").join(cells)
        )


class PartsField(Field):
    """A value made of named parts (for example a bound per grade): its data is {part: text}, posted
    as `<name>-<part>`. The service checks the values; the field only gathers them."""

    widget = PartsWidget()

    def __init__(self, label=None, validators=None, *, parts=(), size=8, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.parts = tuple(parts)
        self.size = size

    def process(self, formdata, data=unset_value, extra_filters=None):
        self.process_errors = []
        if data is unset_value:
            data = self.default() if callable(self.default) else self.default
        self.object_data = data
        if formdata is not None:
            self.raw_data = [formdata.get(f"{self.name}-{key}", "") for key, _ in self.parts]
            self.data = {key: raw for (key, _), raw in zip(self.parts, self.raw_data, strict=True)}
        else:
            self.data = dict(data or {})
