"""The decision on how a result is used for next year's budget (评价结果应用), one per ledger row."""

from wtforms import HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import Optional

from forms.base import AppForm
from forms.fields import CheckboxesField
from zyperf.services.results import WAYS


class DecisionForm(AppForm):
    subject = HiddenField()  # a project id, or "department"
    year = IntegerField()
    version = IntegerField(validators=[Optional()])
    ways = CheckboxesField("应用方式", choices=[(w, w) for w in WAYS], validate_choice=False)
    next_amount = StringField("下年预算安排数（万元）")
    text = TextAreaField("应用情况说明")
    reason = StringField("修改理由", description="修改已记录的决定时必填")
