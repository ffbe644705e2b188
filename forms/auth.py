"""Login and password forms."""

from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from forms.base import AppForm

REQUIRED = "此项为必填项"


class LoginForm(AppForm):
    username = StringField(
        "用户名", validators=[DataRequired(REQUIRED), Length(max=64, message="用户名过长")]
    )
    password = PasswordField("密码", validators=[DataRequired(REQUIRED), Length(max=200, message="密码过长")])
    next = HiddenField()


class ChangePasswordForm(AppForm):
    current_password = PasswordField("当前密码", validators=[DataRequired(REQUIRED)])
    new_password = PasswordField(
        "新密码",
        validators=[DataRequired(REQUIRED), Length(min=8, max=200, message="密码长度应为 8 到 200 位")],
    )
    confirm = PasswordField(
        "再次输入新密码",
        validators=[DataRequired(REQUIRED), EqualTo("new_password", message="两次输入的新密码不一致")],
    )


class TokenForm(AppForm):
    name = StringField("令牌用途", validators=[Length(max=100, message="不超过 100 字")])
