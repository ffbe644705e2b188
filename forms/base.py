"""The base form: Flask-WTF's CSRF token on every form, admin forms included."""

from flask_wtf import FlaskForm


class AppForm(FlaskForm):
    class Meta:
        locales = ("zh_CN", "zh")
