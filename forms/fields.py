"""Field types shared by several forms."""

from wtforms import SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget


class CheckboxesField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes: clearer than a multi-select box."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()
