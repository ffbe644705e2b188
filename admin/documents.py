"""Document pages: list, detail with history and exactly the allowed buttons, transitions, edits,
bulk approval; 我的待办; finance's 催办 overview; the workflow diagrams for admins."""

import io
from datetime import datetime

from flask import flash, jsonify, redirect, request, send_file, url_for
from flask_admin import expose
from sqlalchemy import select

from admin.base import SecureBaseView, actor
from admin.diagrams import workflow_svg
from admin.document_imports import ImportPages
from admin.document_print import PrintPages
from admin.document_review import ReviewPages, event_label, stage_form
from admin.document_view import DocumentView
from admin.exports import list_links
from forms.decisions import NewDocumentForm, TransitionForm
from zyperf import boundary
from zyperf.errors import DomainError, NotFound, ValidationFailed
from zyperf.extensions import db
from zyperf.models import KIND_LABELS, DocumentKind, FiscalYear, Project, StageDocument, Unit
from zyperf.permissions import Action, can, get_visible_or_404, require, scoped
from zyperf.services import document_data, exports, handling, imports, listviews, records, reviews, workflow
from zyperf.services import documents as document_service
from zyperf.services import projects as project_service
from zyperf.services.guards import REVIEW_CONCLUSIONS
from zyperf.services.worklist import due_date
from zyperf.transitions import (
    ACTION_LABELS,
    GUARD_LABELS,
    SCOPE_LABELS,
    STATE_LABELS,
    WORKFLOWS,
    roles_label,
    state_label,
)


class DocumentsView(ImportPages, PrintPages, ReviewPages, SecureBaseView):
    required_action = Action.VIEW_DOCUMENT

    @expose("/")
    def index(self):
        """The list as the admins configured it for this kind and the user's role (列表设置)."""
        user = actor()
        args = request.args.to_dict()
        # What list_page reads as numbers must be ASCII digits the database can hold, else 400.
        boundary.optional_integer(args.get("year"), "year")
        boundary.page_number(args.get("page"))
        config = listviews.resolve(user, args.get("kind") or None)
        page = listviews.list_page(user, config, args)
        approvable = {
            d.id
            for d in page.items
            if any(a.action.value == "approve" for a in workflow.allowed_actions(user, d))
        }
        # Starting a document is for this year's projects of one's own unit (others: the project page);
        # the picker searches them as the user types (project_search), it never lists them all.
        current = project_service.current_fiscal_year()
        units = db.session.scalars(scoped(select(Unit), user).order_by(Unit.sort_order)).all()
        years = db.session.scalars(select(FiscalYear.year).order_by(FiscalYear.year.desc())).all()
        return self.render(
            "admin/documents/list.html",
            page=page,
            list_config=config,
            args=args,
            column_labels=listviews.COLUMNS,
            sortable=listviews.SORTS,
            cell=listviews.cell,
            approvable=approvable,
            kinds=KIND_LABELS,
            states=STATE_LABELS,
            units=units,
            years=years,
            new_document_year=current if current and project_service.starts_documents(user) else None,
            department_year=current
            if current
            and user.unit_id
            and can(user, Action.CREATE_DOCUMENT, ("department_evaluation", user.unit_id))
            else None,
            project_kinds={k.value: k.label for k in DocumentKind if not k.is_department_wide},
            department_kinds={k.value: k.label for k in DocumentKind if k.is_department_wide},
            new_form=NewDocumentForm(formdata=None),
            export_links=list_links(user, args),
        )

    @expose("/projects.json")
    def project_search(self):
        """The "new document" picker's typed search (static/js/project-picker.js): a few of this year's
        projects the user may start a document on, whose name or code contains `q`."""
        found = project_service.startable_projects(actor(), request.args.get("q", ""))
        return jsonify({"items": [{"id": p.id, "label": p.display_name} for p in found]})

    @expose("/<int:doc_id>")
    def detail(self, doc_id: int):
        return self.render_detail(get_visible_or_404(actor(), StageDocument, doc_id))

    def render_detail(self, document, *, refusal: DomainError | None = None):
        """The document page; a refused action comes back here with its reason (and the same status)."""
        user = actor()
        definition = document_data.definition_of(document)
        fields = (
            definition.fields
            if definition
            else [{"key": k, "label": k, "type": "text"} for k in document.data if k != "review_conclusion"]
        )
        editable = can(user, Action.EDIT_DOCUMENT, document)
        actions = workflow.allowed_actions(user, document)
        page = self.render(
            "admin/documents/detail.html",
            document=document,
            fields=fields,
            view=DocumentView(
                document, definition, document_data.document_settings(document).monitoring_month
            ),
            actions=actions,
            history=workflow.history(document),
            can_edit=editable,
            newer_form=document_service.newer_form_version(document) if editable else None,
            form=TransitionForm(formdata=None, version=document.version),
            conclusions=REVIEW_CONCLUSIONS.get(DocumentKind(document.kind), ()),
            state_label=state_label,
            event_label=event_label,
            due=due_date(document),
            refusal=refusal,
            settings_changed=document_data.settings_changed(document),
            reviewer=reviews.may_review(user, document),
            review_flags=(document.review or {}).get("flags") or {},
            flag_labels=reviews.flag_labels(document.kind),
            score_targets=reviews.score_targets(document),
            carried=document_data.carries(document),
            attachments=records.attachments_of(document),
            form_check=(check := records.form_check_of(document)),
            form_check_at=datetime.fromisoformat(check["at"]) if check else None,
            form_check_due=any(a.action.value == "report" for a in actions),
            decisions=handling.decisions_for([document.id]).get(document.id, []),
            may_acknowledge=lambda d: d.awaits_acknowledgement and can(user, Action.ACKNOWLEDGE_HANDLING, d),
            table_label=exports.KIND_LABELS.get(exports.TABLE_OF.get(document.kind, "")),
            table=document.kind in exports.TABLE_OF and can(user, Action.EXPORT),
            importable=editable and document.kind in imports.TEMPLATE_KINDS,
            key_monitoring=document.kind == "monitoring"
            and document.project
            and document.project.is_key_monitoring,
        )
        return page, refusal.status if refusal else 200

    @expose("/<int:doc_id>/transition", methods=["POST"])
    def transition(self, doc_id: int):
        user = actor()
        document = get_visible_or_404(user, StageDocument, doc_id)
        form = TransitionForm()
        if not form.validate_on_submit():
            flash("；".join(m for msgs in form.errors.values() for m in msgs), "error")
            return redirect(url_for(".detail", doc_id=doc_id), code=303)
        params = {"conclusion": form.conclusion.data} if form.conclusion.data else {}
        return self.act(
            document,
            lambda: workflow.apply(
                document,
                form.action.data,
                actor=user,
                expected_version=form.version.data,
                comment=form.comment.data or "",
                params=params,
            ),
            f"已{ACTION_LABELS.get(form.action.data, '办理')}：{document.title}",
        )

    @expose("/<int:doc_id>/edit", methods=["GET", "POST"])
    def edit(self, doc_id: int):
        """The document's own form version, built from its definition; a draft may be saved incomplete."""
        user = actor()
        document = get_visible_or_404(user, StageDocument, doc_id)
        require(user, Action.EDIT_DOCUMENT, document)
        definition = document_data.definition_of(document)
        if definition is None:
            return self._edit_free_form(user, document)
        form = stage_form(document, definition, formdata=request.method == "POST")
        if request.method == "POST":
            if form.validate_on_submit():
                try:
                    data = self._with_uploads(user, document, definition, form)
                    document_service.edit_document(
                        document,
                        actor=user,
                        data=data,
                        expected_version=request.form.get("version", type=int),
                    )
                    db.session.commit()
                except ValidationFailed as err:
                    db.session.rollback()
                    form.show_errors(err.fields or {})
                    if not err.fields:
                        form.form_errors.append(err.message)
                else:
                    flash("已保存", "success")
                    return redirect(url_for(".detail", doc_id=doc_id), code=303)
            flash("保存失败：请按各项下方的提示修改", "error")
        status = 422 if form.errors or form.form_errors else 200
        return self.render(
            "admin/documents/edit.html", document=document, form=form, definition=definition
        ), status

    @staticmethod
    def _with_uploads(user, document, definition, form) -> dict:
        """File fields: a new upload (already checked by the form for type and size) is kept in the
        database and its metadata goes into the data; no new file keeps the old one. A problem's new
        佐证材料 are kept the same way and added to those it already has."""
        data = form.entry_data()
        for spec in definition.fields:
            key = spec["key"]
            if spec["type"] == "problem_table":
                for position, uploads in getattr(form[key], "uploads", {}).items():
                    row = data[key][position]
                    kept = [e for e in row.get("evidence") or [] if e.get("attachment_id")]
                    row["evidence"] = kept + [_store(user, document, key, upload) for upload in uploads]
            elif spec["type"] == "file":
                upload = request.files.get(key)
                if upload is not None and upload.filename:
                    data[key] = _store(user, document, key, upload)
                else:
                    data[key] = (document.data or {}).get(key)
        return data

    def _edit_free_form(self, user, document):
        """Documents of a kind with no published form: key/value pairs."""
        if request.method == "POST":
            keys, values = request.form.getlist("key"), request.form.getlist("value")
            data = {k.strip(): v for k, v in zip(keys, values, strict=False) if k.strip()}
            document_service.edit_document(
                document, actor=user, data=data, expected_version=request.form.get("version", type=int)
            )
            db.session.commit()
            flash("已保存", "success")
            return redirect(url_for(".detail", doc_id=document.id), code=303)
        return self.render("admin/documents/edit.html", document=document, form=None, definition=None)

    @expose("/<int:doc_id>/attachments/<int:attachment_id>")
    def attachment(self, doc_id: int, attachment_id: int):
        document = get_visible_or_404(actor(), StageDocument, doc_id)
        attachment = document_service.attachment_of(document, attachment_id)
        if attachment is None:
            raise NotFound()
        response = send_file(
            io.BytesIO(attachment.content),
            mimetype="application/octet-stream",  # never rendered inline, whatever the uploader claimed
            as_attachment=True,
            download_name=boundary.filename(attachment.filename),  # names stored before the boundary
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

    @expose("/<int:doc_id>/move-form", methods=["POST"])
    def move_form(self, doc_id: int):
        user = actor()
        document = get_visible_or_404(user, StageDocument, doc_id)
        document_service.move_to_newest_form(
            document, actor=user, expected_version=request.form.get("version", type=int)
        )
        db.session.commit()
        flash(f"已改用第 {document.form_version} 版表单", "success")
        return redirect(url_for(".edit", doc_id=doc_id), code=303)

    @expose("/new", methods=["POST"])
    def new(self):
        user = actor()
        form = NewDocumentForm()
        if not form.validate_on_submit():
            flash("请选择项目（输入项目名称或编码）和文档类型", "error")
            return redirect(url_for(".index"), code=303)
        # The picker's choice, or (without JavaScript) the typed name or code, resolved by the same search.
        if form.project_id.data:
            project = get_visible_or_404(user, Project, form.project_id.data)
        else:
            project = project_service.startable_project(user, form.project.data or "")
        document = document_service.create_document(form.kind.data, actor=user, project=project)
        db.session.commit()
        return redirect(url_for(".edit", doc_id=document.id), code=303)

    @expose("/new-department", methods=["POST"])
    def new_department(self):
        """Finance starts a document of the department as a whole for a year: its targets (D-1), its
        evaluation (D-2) or its rectification report (default: the evaluation)."""
        user = actor()
        year = boundary.optional_integer(request.form.get("year"), "year")
        fiscal_year = project_service.fiscal_year(year) if year is not None else None
        if fiscal_year is None:
            raise NotFound("该预算年度不存在")
        kind = request.form.get("kind") or DocumentKind.DEPARTMENT_EVALUATION.value
        if kind not in {k.value for k in DocumentKind if k.is_department_wide}:
            raise NotFound("没有这种部门整体文档")
        document = document_service.create_document(kind, actor=user, fiscal_year=fiscal_year)
        db.session.commit()
        return redirect(url_for(".edit", doc_id=document.id), code=303)

    @expose("/bulk-approve", methods=["POST"])
    def bulk_approve(self):
        """Approve many at once: the same apply() per document, each result reported on its own."""
        user = actor()
        results = []
        for raw in request.form.getlist("ids"):
            try:
                document = get_visible_or_404(user, StageDocument, raw)
                version = request.form.get(f"version-{document.id}", type=int)
                workflow.apply(document, "approve", actor=user, expected_version=version)
                db.session.commit()
                results.append((document.title, True, "已审核通过"))
            except DomainError as err:
                db.session.rollback()
                results.append((f"文档 {raw}", False, err.message))
        for title, ok, message in results:
            flash(f"{title}：{message}", "success" if ok else "error")
        if not results:
            flash("请先勾选要审核的文档", "info")
        return redirect(url_for(".index"), code=303)


def _store(user, document, key: str, upload) -> dict:
    return document_service.store_attachment(
        document,
        key,
        filename=upload.filename,
        content_type=upload.mimetype,
        content=upload.read(),
        actor=user,
    )


class WorkflowDiagramView(SecureBaseView):
    """Each kind's workflow drawn from the same table the service runs, so it cannot drift."""

    required_action = Action.USE_ADMIN

    @expose("/")
    def index(self):
        return self.render(
            "admin/workflows.html",
            workflows=WORKFLOWS,
            kinds=KIND_LABELS,
            state_label=state_label,
            action_labels=ACTION_LABELS,
            scope_labels=SCOPE_LABELS,
            roles_label=roles_label,
            DocumentKind=DocumentKind,
            workflow_svg=workflow_svg,
            guard_labels=GUARD_LABELS,
        )
