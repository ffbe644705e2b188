"""Configuration views for admins: units, users, and the audit log (read-only)."""

from flask import flash
from flask_admin.contrib.sqla.fields import QuerySelectField, QuerySelectMultipleField
from flask_login import login_user
from sqlalchemy import inspect, select
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from admin.audit_labels import action_text, object_text, summary_text
from admin.base import AdminForm, ScopedModelView, SecureModelView, actor
from forms.fields import CheckboxesField
from zyperf.errors import ValidationFailed
from zyperf.extensions import db
from zyperf.formatting import local_time
from zyperf.models import ROLE_LABELS, Role, Unit
from zyperf.permissions import Action
from zyperf.services import accounts, audit

YES_NO = {True: "是", False: "否"}


def _yes_no(view, context, model, name):
    return YES_NO[bool(getattr(model, name))]


def model_changes(model) -> dict:
    """Field-level {name: [old, new]} of a model before flush, from SQLAlchemy's attribute history."""
    changes = {}
    for attr in inspect(model).mapper.column_attrs:
        hist = inspect(model).attrs[attr.key].history
        if hist.has_changes():
            old = hist.deleted[0] if hist.deleted else None
            new = hist.added[0] if hist.added else None
            changes[attr.key] = [old, new]
    return changes


class AuditedModelView(SecureModelView):
    """Every create or edit writes an audit row in the same transaction as the change."""

    required_action = Action.MANAGE_SETTINGS

    def on_model_change(self, form, model, is_created):
        changes = model_changes(model)
        db.session.flush()
        verb = "create" if is_created else "update"
        audit.record(
            actor(), f"{type(model).__name__.lower()}.{verb}", model, summary=str(model), changes=changes
        )


class UnitAdmin(AuditedModelView):
    column_list = ("code", "name", "kind", "is_finance", "sort_order", "active")
    column_labels = {
        "code": "编码",
        "name": "名称",
        "kind": "类别",
        "is_finance": "财务科",
        "sort_order": "排序",
        "active": "启用",
    }
    column_formatters = {
        "is_finance": _yes_no,
        "active": _yes_no,
        "kind": lambda v, c, m, n: {"section": "机关科室", "subordinate": "下属单位"}.get(m.kind, m.kind),
    }
    column_default_sort = "sort_order"
    column_searchable_list = ("name", "code")
    form_columns = ("code", "name", "kind", "is_finance", "sort_order", "active")
    form_choices = {"kind": [("section", "机关科室"), ("subordinate", "下属单位")]}
    form_args = {
        "code": {
            "validators": [
                DataRequired("请填写编码"),
                Regexp(r"^[A-Za-z0-9_-]{1,32}$", message="编码只能用字母、数字、- 和 _"),
            ]
        },
        "name": {"validators": [DataRequired("请填写名称"), Length(max=100, message="不超过 100 字")]},
    }


def _units():
    return db.session.scalars(select(Unit).order_by(Unit.sort_order, Unit.id)).all()


class UserForm(AdminForm):
    username = StringField(
        "用户名",
        validators=[
            DataRequired("请填写用户名"),
            Regexp(r"^[A-Za-z0-9_.-]{2,64}$", message="用户名由 2–64 位字母、数字、. _ - 组成"),
        ],
    )
    display_name = StringField(
        "姓名", validators=[DataRequired("请填写姓名"), Length(max=64, message="不超过 64 字")]
    )
    unit = QuerySelectField("所在科室（单位）", query_factory=_units, allow_blank=True, blank_text="（无）")
    roles = CheckboxesField("角色", choices=[(r.value, label) for r, label in ROLE_LABELS.items()])
    oversees = QuerySelectMultipleField("分管科室（单位）", query_factory=_units)
    active = BooleanField("启用", default=True)
    new_password = PasswordField(
        "新密码",
        description="新建用户必填；修改时留空表示不改",
        validators=[Optional(), Length(min=8, max=200, message="密码长度应为 8 到 200 位")],
    )


class UserAdmin(SecureModelView):
    required_action = Action.MANAGE_USERS
    form = UserForm
    form_widget_args = {"roles": {"class": "list-unstyled mb-0"}}
    column_list = ("username", "display_name", "unit", "role_labels", "active", "created_at")
    column_labels = {
        "username": "用户名",
        "display_name": "姓名",
        "unit": "科室（单位）",
        "role_labels": "角色",
        "active": "启用",
        "created_at": "创建时间",
    }
    column_formatters = {"active": _yes_no}
    column_searchable_list = ("username", "display_name")
    column_default_sort = "username"

    def on_form_prefill(self, form, id):
        user = self.get_one(id)
        form.roles.data = sorted(user.roles)

    def _apply(self, form, user):
        accounts.update_user(
            user,
            actor=actor(),
            display_name=form.display_name.data,
            unit=form.unit.data,
            roles=form.roles.data or [],
            oversees=list(form.oversees.data or []),
            active=bool(form.active.data),
            new_password=form.new_password.data or None,
        )

    def create_model(self, form):
        try:
            if not form.new_password.data:
                raise ValidationFailed(
                    "新建用户必须设置密码", fields={"new_password": ["新建用户必须设置密码"]}
                )
            user = accounts.create_user(
                form.username.data,
                form.new_password.data,
                display_name=form.display_name.data,
                roles=[Role(r) for r in form.roles.data or []],
                unit=form.unit.data,
                oversees=list(form.oversees.data or []),
                active=bool(form.active.data),
                actor=actor(),
            )
            db.session.commit()
        except ValidationFailed as err:
            db.session.rollback()
            _show_errors(form, err)
            return False
        return user

    def update_model(self, form, model):
        try:
            if form.username.data.strip().lower() != model.username:
                raise ValidationFailed("用户名创建后不能修改", fields={"username": ["用户名创建后不能修改"]})
            self._apply(form, model)
            db.session.commit()
            if model.id == actor().id:
                login_user(model)  # an admin editing their own account keeps this session
        except ValidationFailed as err:
            db.session.rollback()
            _show_errors(form, err)
            return False
        return True


def _show_errors(form, err: ValidationFailed) -> None:
    """Put a service's field errors next to the fields, and the sentence at the top."""
    for key, messages in (err.fields or {}).items():
        field = getattr(form, key, None)
        if field is not None:
            field.errors = list(field.errors) + list(messages)
    flash(
        err.message
        if not err.fields
        else "保存失败：" + "；".join(m for ms in err.fields.values() for m in ms),
        "error",
    )


class AuditAdmin(ScopedModelView):
    """Configuration and account events only (permissions.audit_filter): admins hold no business
    rights, so documents' diffs, comments, amounts and file names are not theirs to read."""

    required_action = Action.VIEW_AUDIT
    can_create = False
    can_edit = False
    can_view_details = True
    column_list = ("at", "actor", "action", "object_type", "object_id", "summary")
    column_labels = {
        "at": "时间",
        "actor": "操作人",
        "action": "操作",
        "object_type": "对象类型",
        "object_id": "对象编号",
        "summary": "摘要",
        "changes": "变更",
    }
    column_default_sort = ("id", True)
    column_formatters = {
        "at": lambda v, c, m, n: local_time(m.at),
        "actor": lambda v, c, m, n: m.actor or "系统（初始数据或命令行）",
        "action": lambda v, c, m, n: action_text(m.action),
        "object_type": lambda v, c, m, n: object_text(m.object_type),
        "summary": lambda v, c, m, n: summary_text(m.summary),
    }
    column_searchable_list = ("action", "summary")
    column_filters = ("action", "object_type")
