"""Forms for acting on a document: a transition (with comment and the version the user saw), bulk approval,
a filled-in template uploaded."""

from wtforms import FileField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from forms.base import AppForm
from zyperf.services.guards import CONCLUSIONS
from zyperf.services.workflow import MAX_COMMENT


class TransitionForm(AppForm):
    action = HiddenField(validators=[DataRequired("缺少操作")])
    version = IntegerField(validators=[InputRequired("缺少版本号，请刷新页面")])
    comment = TextAreaField(
        "意见", validators=[Length(max=MAX_COMMENT, message=f"意见不超过 {MAX_COMMENT} 字")]
    )
    conclusion = SelectField(
        "市财政局评审结论",
        choices=[("", "（不适用）"), *((c, c) for c in CONCLUSIONS)],
        default="",
    )


class NewDocumentForm(AppForm):
    """The project is the picker's choice (project_id) or, without JavaScript, its typed name or code."""

    project_id = IntegerField(validators=[Optional()])
    project = StringField(validators=[Length(max=200, message="项目名称不超过 200 字")])
    kind = HiddenField(validators=[DataRequired("请选择文档类型")])


class TableUploadForm(AppForm):
    """A filled-in template uploaded on the document page, with the version the user saw."""

    file = FileField("填好的 Excel 模板（.xlsx）")
    version = IntegerField(validators=[InputRequired("缺少版本号，请刷新页面")])
