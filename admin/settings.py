"""系统配置 pages for settings: each fiscal year with its §2 settings, and the system settings."""

from dataclasses import asdict

from flask import flash, redirect, url_for
from flask_admin import expose
from flask_admin.form import rules
from flask_admin.helpers import get_form_data
from sqlalchemy import select
from wtforms import SelectField, StringField

from admin.base import SecureBaseView, actor
from admin.views import AuditedModelView, _show_errors, _yes_no
from forms.base import AppForm
from forms.fields import PartsField
from zyperf.domain.settings import (
    BAND_LABELS,
    BAND_PARTS,
    BOUNDED_GRADES,
    CHOICES,
    GRADES,
    SETTING_KEYS,
    SETTING_LABELS,
    SYSTEM_LABELS,
    YearSettings,
)
from zyperf.errors import ValidationFailed
from zyperf.extensions import db
from zyperf.models import FiscalYear
from zyperf.permissions import Action
from zyperf.services import settings as settings_service

SETTING_GROUPS = (
    ("模板", ("family.targets", "family.monitoring", "family.self_evaluation", "indicator_framework")),
    (
        "监控",
        ("monitoring.month", "monitoring.progress_label", "monitoring.lag_ratio", "monitoring.severe_ratio"),
    ),
    (
        "评分",
        (
            "scoring.budget_rule",
            "scoring.step_threshold",
            "scoring.step_points_per_pp",
            "scoring.reverse_rule",
            "scoring.overshoot_ratio",
            "scoring.qualitative_bands",
            "self_eval.reason_rate",
        ),
    ),
    ("等级与结果应用", ("grades", "result_application")),
    ("事前评估", ("exante.rating_points", "exante.support_min", "exante.revise_min")),
    ("报表编号", ("report_code.self_evaluation",)),
    ("目标调整与办理期限", ("adjustment.major_change_amount_ratio", "due.grace_days")),
)
SETTING_HELP = {
    "monitoring.month": "监控表头为“1-m月”（m = 1 时为“1月”），时序进度 = m ÷ 12",
    "monitoring.lag_ratio": "执行率 ≥ 进度 × 本系数为“正常”（默认 1）",
    "monitoring.severe_ratio": "执行率 < 进度 × 本系数为“严重滞后”（默认 0.5）",
    "scoring.step_threshold": "仅阶梯扣分使用：执行率低于此值时，每个起算的百分点扣分（默认 0.9）",
    "scoring.step_points_per_pp": "仅阶梯扣分使用（默认 1）",
    "scoring.overshoot_ratio": "正向、等于指标完成值 ≥ 指标值 × 本倍数时须说明原因；留空表示不检查（默认 1.3）",
    "scoring.qualitative_bands": "达成：权重 × 达成档下限至权重；部分达成：权重 × 部分达成档下限至权重 × 达成档下限",
    "self_eval.reason_rate": "预算执行率低于此值时须说明原因（默认 0.9）",
    "grades": "总分不低于该分数即为该等级，低于“中”的下限为“差”",
    "exante.rating_points": "20 个评估要点各按所评等级得分，满分 = 优 × 20",
    "exante.support_min": "评估得分不低于此分为“予以支持”",
    "exante.revise_min": "不低于此分（且低于予以支持最低分）为“调整完善后予以支持”，更低为“不予支持”",
    "report_code.self_evaluation": "留空则自评表第 1 行为空",
    "adjustment.major_change_amount_ratio": "目标调整中资金变动超过总额的此比例，视为目标重大变化",
    "due.grace_days": "截止日之后新建的文档，自新建之日起在此天数内办理",
}
PARTS = {
    "scoring.qualitative_bands": ([(p, BAND_LABELS[p]) for p in BAND_PARTS], 8),
    "grades": ([(g, g) for g in BOUNDED_GRADES], 8),
    "result_application": ([(g, g) for g in GRADES], 36),
    "exante.rating_points": ([(g, g) for g in GRADES], 6),
}
YEAR_FIELDS = ("year", "is_current", "major_project_threshold")
DUE_FIELDS = ("ex_ante_due", "targets_due", "monitoring_due", "evaluation_due", "rectification_due")


def _setting_field(key: str):
    label, description = SETTING_LABELS[key], SETTING_HELP.get(key, "")
    if key == "monitoring.month":
        choices = [(str(m), f"{m} 月") for m in range(1, 13)]
        return SelectField(label, choices=choices, validate_choice=False, description=description)
    if key in CHOICES:
        return SelectField(
            label, choices=list(CHOICES[key].items()), validate_choice=False, description=description
        )
    if key in PARTS:
        parts, size = PARTS[key]
        return PartsField(label, parts=parts, size=size, description=description)
    return StringField(label, description=description)


def _form_data(settings: YearSettings) -> dict:
    """A year's settings as the form shows them (its field names are the dotted keys)."""
    data = settings.to_json()
    data["monitoring.month"] = str(data["monitoring.month"])
    data["due.grace_days"] = str(data["due.grace_days"])
    data["scoring.qualitative_bands"] = dict(zip(BAND_PARTS, data["scoring.qualitative_bands"], strict=True))
    data["scoring.overshoot_ratio"] = data["scoring.overshoot_ratio"] or ""
    return data


class FiscalYearAdmin(AuditedModelView):
    """预算年度设置: the year's deadlines next to its §2 settings, saved in one transaction."""

    column_list = (
        "year",
        "is_current",
        "major_project_threshold",
        "monitoring_month",
        "settings",
        *DUE_FIELDS[1:4],
    )
    column_labels = {
        "year": "年度",
        "is_current": "当前年度",
        "major_project_threshold": "大额项目标准（万元）",
        "monitoring_month": "监控月份",
        "settings": "自评表模板",
        "ex_ante_due": "事前评估截止日",
        "targets_due": "绩效目标截止日",
        "monitoring_due": "绩效监控截止日",
        "evaluation_due": "绩效自评截止日",
        "rectification_due": "整改报告截止日",
    }
    column_formatters = {
        "is_current": _yes_no,
        "settings": lambda v, c, m, n: CHOICES["family.self_evaluation"][
            m.year_settings.family_self_evaluation
        ],
    }
    column_sortable_list = ("year", "major_project_threshold", *DUE_FIELDS[1:4])
    column_default_sort = ("year", True)
    form_columns = (*YEAR_FIELDS, *DUE_FIELDS)
    form_rules = (
        rules.FieldSet(YEAR_FIELDS, "年度"),
        rules.FieldSet(DUE_FIELDS, "截止日期"),
        *(rules.FieldSet(keys, title) for title, keys in SETTING_GROUPS),
    )

    def scaffold_form(self):
        form_class = super().scaffold_form()
        for key in SETTING_KEYS:
            setattr(form_class, key, _setting_field(key))
        return form_class

    # The settings fields are not columns: their values come from the year's settings, not obj.
    def create_form(self, obj=None):
        return self._create_form_class(get_form_data(), obj=obj, data=_form_data(YearSettings.defaults()))

    def edit_form(self, obj=None):
        return self._edit_form_class(get_form_data(), obj=obj, data=_form_data(obj.year_settings))

    def create_model(self, form):
        return self._save(form, FiscalYear(), is_created=True)

    def update_model(self, form, model):
        return self._save(form, model, is_created=False)

    def _save(self, form, model, *, is_created: bool):
        """The year's columns (audited by AuditedModelView), then its settings through the service;
        one commit, or nothing at all with every error at its field."""
        try:
            for name in (*YEAR_FIELDS, *DUE_FIELDS):
                form[name].populate_obj(model, name)
            if is_created:
                db.session.add(model)
            self.on_model_change(form, model, is_created)
            settings_service.update_year_settings(
                model, {k: form[k].data for k in SETTING_KEYS}, actor=actor()
            )
            db.session.commit()
        except ValidationFailed as err:
            db.session.rollback()
            _show_errors(form, err)
            return False
        self.after_model_change(form, model, is_created)
        return model

    def on_model_change(self, form, model, is_created):
        if model.major_project_threshold is not None and model.major_project_threshold < 0:
            raise ValidationFailed(fields={"major_project_threshold": ["大额项目标准不能为负数"]})
        super().on_model_change(form, model, is_created)  # audit first: the query below autoflushes
        if model.is_current:
            # Exactly one current year: the others step down in the same transaction.
            for other in db.session.scalars(select(FiscalYear).where(FiscalYear.is_current.is_(True))):
                if other is not model:
                    other.is_current = False


class SystemSettingsForm(AppForm):
    bureau_name = StringField(SYSTEM_LABELS["bureau_name"], description="各表“主管部门”、文件名和登录页使用")
    bureau_code = StringField(
        SYSTEM_LABELS["bureau_code"], description="可不填；填写后监控表“主管部门及代码”一并显示"
    )
    finance_head = StringField(SYSTEM_LABELS["finance_head"], description="自评表页脚“财务负责人”")


class SystemSettingsView(SecureBaseView):
    """系统设置: the bureau's name, code and 财务负责人."""

    required_action = Action.MANAGE_SETTINGS

    @expose("/", methods=["GET", "POST"])
    def index(self):
        form = SystemSettingsForm(data=asdict(settings_service.system_settings()))
        status = 200
        if form.validate_on_submit():
            try:
                settings_service.update_system_settings(
                    {key: form[key].data for key in SYSTEM_LABELS}, actor=actor()
                )
            except ValidationFailed as err:
                db.session.rollback()
                _show_errors(form, err)
                status = 422
            else:
                db.session.commit()
                flash("系统设置已保存", "success")
                return redirect(url_for(".index"), code=303)
        elif form.is_submitted():
            status = 422
        return self.render("admin/settings/system.html", form=form), status
