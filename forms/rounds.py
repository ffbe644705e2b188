"""Finance's forms of the year's work: opening a round (after a confirmation page), deciding handling."""

from wtforms import HiddenField, IntegerField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from forms.base import AppForm
from zyperf.models import MEASURE_LABELS, ROUND_STAGES


class OpenRoundForm(AppForm):
    year = IntegerField(validators=[InputRequired("请选择预算年度")])
    stage = HiddenField(validators=[DataRequired("请选择下发的阶段")])


class HandlingForm(AppForm):
    monitoring_id = IntegerField(validators=[InputRequired("请选择项目")])
    measure = SelectField("处置措施", choices=[(m.value, label) for m, label in MEASURE_LABELS.items()])
    instruction = TextAreaField(
        "处置要求",
        validators=[DataRequired("请填写处置要求"), Length(max=500, message="处置要求不超过 500 字")],
    )


STAGE_CHOICES = list(ROUND_STAGES.items())
