"""Projects: every role sees its scope; staff create and edit their own unit's projects through the service."""

from flask import flash, send_file
from flask_admin import expose
from flask_admin.actions import action
from flask_admin.contrib.sqla.fields import QuerySelectField
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms import BooleanField, DecimalField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from admin.base import AdminForm, ScopedModelView, actor
from admin.views import _show_errors, _yes_no
from zyperf.domain.adjustments import ADJUSTMENT_TYPES, amounts
from zyperf.errors import ValidationFailed
from zyperf.extensions import db
from zyperf.formatting import local_time
from zyperf.models import KIND_LABELS, DocumentKind, FiscalYear, Project, StageDocument
from zyperf.permissions import Action, can, editable_project_ids, get_visible_or_404, require, scoped
from zyperf.services import adjustments, exports, handling, library, standing
from zyperf.services import archive as archive_service
from zyperf.services import projects as project_service
from zyperf.services.guards import major_change
from zyperf.transitions import state_label


def _years():
    return db.session.scalars(select(FiscalYear).order_by(FiscalYear.year.desc())).all()


AMOUNT = {"places": 2, "validators": [Optional(), NumberRange(min=0, message="金额不能为负数")]}


class ProjectForm(AdminForm):
    fiscal_year = QuerySelectField("预算年度", query_factory=_years, allow_blank=False)
    code = StringField("项目编码（一体化）", validators=[Optional(), Length(max=40, message="不超过 40 位")])
    name = StringField(
        "项目名称", validators=[DataRequired("请填写项目名称"), Length(max=200, message="不超过 200 字")]
    )
    fiscal_amount = DecimalField("财政资金（万元）", **AMOUNT)
    carryover_amount = DecimalField(
        "其中：上年结转资金（万元）", description="财政资金中上年结转的部分，不另计入总额", **AMOUNT
    )
    special_amount = DecimalField("财政专户管理资金（万元）", **AMOUNT)
    unit_amount = DecimalField("单位资金（万元）", **AMOUNT)
    other_amount = DecimalField(
        "其他资金（万元）", description="社会投入资金、银行贷款等；年度资金总额由各来源合计得出", **AMOUNT
    )
    is_new = BooleanField("新增项目")
    is_major = BooleanField("重大政策/项目")
    added_mid_year = BooleanField("年中追加")


FORM_FLAGS = ("is_new", "is_major", "added_mid_year")
FLAG_FIELDS = (*FORM_FLAGS, "is_key_monitoring")


class ProjectAdmin(ScopedModelView):
    required_action = Action.VIEW_PROJECT
    form = ProjectForm
    can_view_details = True
    column_list = (
        "fiscal_year",
        "unit",
        "code",
        "name",
        "total_amount",
        "fiscal_amount",
        "special_amount",
        "unit_amount",
        "other_amount",
        "flags",
    )
    column_labels = {
        "flags": "标记",
        "fiscal_year": "年度",
        "fiscal_year.year": "年度",
        "unit": "科室（单位）",
        "unit.name": "科室（单位）",
        "code": "项目编码",
        "name": "项目名称",
        "total_amount": "年度资金总额（万元）",
        "fiscal_amount": "财政资金（万元）",
        "special_amount": "财政专户管理资金（万元）",
        "unit_amount": "单位资金（万元）",
        "other_amount": "其他资金（万元）",
        "carryover_amount": "其中：上年结转资金（万元）",
        "is_new": "新增",
        "is_major": "重大政策/项目",
        "added_mid_year": "年中追加",
        "is_key_monitoring": "重点监控",
        "created_at": "创建时间",
        "created_by": "创建人",
        "in_library_at": "入库时间",
        "ex_ante_conclusion": "事前评估结论",
        "suggested_amount": "建议预算控制数（万元）",
    }
    column_details_list = (
        *column_list[:-1],
        *FLAG_FIELDS,
        "carryover_amount",
        "in_library_at",
        "ex_ante_conclusion",
        "suggested_amount",
        "created_by",
        "created_at",
    )
    column_formatters_detail = dict.fromkeys(FLAG_FIELDS, _yes_no) | {
        "created_at": lambda v, c, m, n: local_time(m.created_at),
        "in_library_at": lambda v, c, m, n: local_time(m.in_library_at) if m.in_library_at else "未入库",
        "created_by": lambda v, c, m, n: m.created_by.display_name if m.created_by else "（初始数据）",
    }
    # The list says which flags a project carries in one cell (four 是/否 columns read as noise); the
    # details page and the filters keep one per flag.
    column_formatters = {
        "flags": lambda v, c, m, n: "、".join(v.column_labels[f] for f in FLAG_FIELDS if getattr(m, f)) or "—"
    }
    column_details_link = "name"
    column_searchable_list = ("name", "code")
    column_filters = ("fiscal_year.year", "unit.name", *FLAG_FIELDS)
    column_default_sort = [("fiscal_year_id", True), ("unit_id", False), ("id", False)]

    details_template = "admin/projects/details.html"

    def render(self, template, **kwargs):
        if template == self.details_template and "model" in kwargs:
            kwargs.update(self._stage_context(kwargs["model"]))
        return super().render(template, **kwargs)

    def editable_rows(self, rows) -> list:
        # can_edit_project: no submitted stage document yet (one query for the page).
        ids = editable_project_ids(actor(), rows)
        return [p for p in rows if p.id in ids]

    def _stage_context(self, project) -> dict:
        """The project's stage documents by kind, which kinds this user may start now, where the
        project stands, its handling decisions and its budget-adjustment ledger (and last year's)."""
        user = actor()
        documents: dict[str, list] = {}
        for doc in db.session.scalars(
            scoped(select(StageDocument), user)
            .where(StageDocument.project_id == project.id)
            .order_by(StageDocument.sequence, StageDocument.id)
        ):
            documents.setdefault(doc.kind, []).append(doc)
        decisions = handling.decisions_of_project(project.id)
        creatable = self._creatable(user, project, documents)
        kinds = [(k.value, KIND_LABELS[k]) for k in DocumentKind if not k.is_department_wide]
        if DocumentKind.EX_ANTE_ASSESSMENT.value not in documents | dict.fromkeys(creatable):
            kinds = [(k, label) for k, label in kinds if k != DocumentKind.EX_ANTE_ASSESSMENT.value]
        previous = adjustments.previous_year_project(project)
        return {
            "stage_documents": documents,
            "may_edit": can(user, Action.EDIT_PROJECT, project),
            "tables": exports.TABLE_OF if can(user, Action.EXPORT) else {},
            "stage_kinds": kinds,
            "creatable": creatable,
            "state_label": state_label,
            "standing": standing.standing(project, documents, decisions),
            "decisions": decisions,
            "ledger": adjustments.ledger_of(project),
            "previous": previous,
            "previous_ledger": adjustments.ledger_of(previous) if previous else None,
            "adjustment_types": ADJUSTMENT_TYPES,
            "adjustment_total": lambda d: sum(amounts(d.data or {}).values()),
        }

    @expose("/<int:project_id>/archive")
    def archive(self, project_id: int):
        """The project's records as one .zip (attachments, history, manifest with SHA-256)."""
        user = actor()
        project = get_visible_or_404(user, Project, project_id)
        buffer, name = archive_service.build_archive(project, actor=user)
        return send_file(buffer, mimetype="application/zip", as_attachment=True, download_name=name)

    @staticmethod
    def _creatable(user, project, documents) -> set[str]:
        """Kinds the user may start now: as create_document allows (library kinds for library
        projects; another adjustment; an assessment of a major target change after 入库)."""
        if not can(user, Action.CREATE_DOCUMENT, ("monitoring", project.unit_id)):
            return set()
        ex_ante, adjustment = DocumentKind.EX_ANTE_ASSESSMENT.value, DocumentKind.TARGET_ADJUSTMENT.value
        found = {k.value for k in DocumentKind if not k.is_department_wide and k.value not in documents}
        found -= {ex_ante, adjustment}
        if project.needs_ex_ante and ex_ante not in documents and not project.in_library:
            found.add(ex_ante)
        if not project.in_library:
            found -= {k.value for k in library.LIBRARY_KINDS}
            if project.added_mid_year:
                found.add(DocumentKind.BUDGET_ADJUSTMENT.value)
            return found
        found.add(DocumentKind.BUDGET_ADJUSTMENT.value)
        adjusting = [d for d in documents.get(adjustment, []) if d.state != "final"]
        if not adjusting:
            found.add(adjustment)
        assessing = [d for d in documents.get(ex_ante, []) if d.state != "final"]
        if any(major_change(d) for d in adjusting) and not assessing:
            found.add(ex_ante)
        return found

    def is_action_allowed(self, name):
        if name in ("designate_key", "withdraw_key"):
            return can(actor(), Action.DESIGNATE_KEY_MONITORING)
        return super().is_action_allowed(name)

    def _designate(self, ids, designated: bool) -> None:
        user = actor()
        changed = 0
        for project in self.get_query().filter(Project.id.in_([int(i) for i in ids])):  # scoped
            changed += project_service.set_key_monitoring(project, designated, actor=user)
        db.session.commit()
        flash(f"已{'标记' if designated else '取消'}重点监控：{changed} 个项目", "success")

    @action("designate_key", "标记为重点监控（市财政局确定）", "确认将所选项目标记为重点监控？")
    def designate_key(self, ids):
        self._designate(ids, True)

    @action("withdraw_key", "取消重点监控", "确认取消所选项目的重点监控标记？")
    def withdraw_key(self, ids):
        self._designate(ids, False)

    @property
    def can_create(self):
        return can(actor(), Action.CREATE_PROJECT)

    @property
    def can_edit(self):
        return can(actor(), Action.CREATE_PROJECT)

    def get_query(self):
        return (
            super()
            .get_query()
            .options(joinedload(Project.unit), joinedload(Project.fiscal_year).defer(FiscalYear.settings))
        )

    def edit_form(self, obj=None):
        # The row is already scoped by get_one; here the service's rule decides whether it may change.
        require(actor(), Action.EDIT_PROJECT, obj)
        return super().edit_form(obj)

    @staticmethod
    def _values(form) -> dict:
        values = {k: form[k].data for k in ("code", "name", *project_service.AMOUNT_FIELDS)}
        values.update({k: form[k].data for k in FORM_FLAGS})
        return values

    def create_model(self, form):
        user = actor()
        try:
            project = project_service.create_project(
                actor=user, unit=user.unit, fiscal_year=form.fiscal_year.data, values=self._values(form)
            )
            db.session.commit()
        except ValidationFailed as err:
            db.session.rollback()
            _show_errors(form, err)
            return False
        flash(f"已新建项目：{project.name}", "success")
        return project

    def update_model(self, form, model):
        try:
            if form.fiscal_year.data.id != model.fiscal_year_id:
                raise ValidationFailed(fields={"fiscal_year": ["项目创建后不能更改预算年度"]})
            project_service.update_project(model, actor=actor(), values=self._values(form))
            db.session.commit()
        except ValidationFailed as err:
            db.session.rollback()
            _show_errors(form, err)
            return False
        return True
