"""导出报表: the workbooks in the finance bureau's formats for a kind, a year and a unit (or the whole
bureau, for those who see it), the two ledgers; and the downloads behind the buttons of the document,
project and document-list pages. The service decides what is in scope."""

from flask import request, send_file, url_for
from flask_admin import expose
from sqlalchemy import select

from admin.base import SecureBaseView, actor
from zyperf import boundary
from zyperf.extensions import db
from zyperf.models import FiscalYear, Unit
from zyperf.permissions import ALL, Action, can, scoped, visible_unit_ids
from zyperf.services import exports
from zyperf.services import projects as project_service
from zyperf.services.settings import system_settings


def send(made: exports.Download):
    """The file as a download; Flask names it with RFC 5987 `filename*` so Chinese names survive."""
    return send_file(made.buffer, mimetype=made.mimetype, as_attachment=True, download_name=made.name)


def list_links(user, args: dict) -> list[tuple[str, str]]:
    """The document list's downloads for its kind, year and unit filters: the list workbook, and the
    one with every project's table after it (§8.7). Without a unit filter: the bureau's for those who
    see it, else the user's only unit; none when the kind has no list or the unit is not yet chosen."""
    if not can(user, Action.EXPORT) or args.get("kind") not in exports.LIST_OF_DOCUMENT:
        return []
    current = project_service.current_fiscal_year()
    year = args.get("year") or (current.year if current else None)
    unit = args.get("unit") or None
    if unit is None and visible_unit_ids(user) is not ALL:
        units = db.session.scalars(scoped(select(Unit.code), user)).all()
        if len(units) != 1:
            return []
        unit = units[0]
    where = f"{year} 年" + ("" if unit else "全局")
    return [
        (
            f"导出{where}{exports.KIND_LABELS[kind]}" + ("及汇总表" if kind in exports.FORM_KINDS else ""),
            url_for("exports.download", kind=kind, year=year, unit=unit),
        )
        for kind in exports.LIST_OF_DOCUMENT[args["kind"]]
    ]


class ExportsView(SecureBaseView):
    required_action = Action.EXPORT

    @expose("/")
    def index(self):
        user = actor()
        current = project_service.current_fiscal_year()
        return self.render(
            "admin/exports/index.html",
            kinds=exports.KIND_LABELS,
            form_kinds=exports.FORM_KINDS,
            department_kinds=exports.DEPARTMENT_KINDS,
            ledgers=exports.LEDGER_KINDS,
            units=db.session.scalars(scoped(select(Unit), user).order_by(Unit.sort_order, Unit.id)).all(),
            years=db.session.scalars(select(FiscalYear.year).order_by(FiscalYear.year.desc())).all(),
            current=current.year if current else None,
            whole=visible_unit_ids(user) is ALL,
            bureau=system_settings().bureau_name,
        )

    @expose("/download")
    def download(self):
        """The form's (and the list page's) download: kind, year, unit (none: the bureau), project."""
        args = request.args
        made = exports.export(
            args.get("kind", ""),
            actor=actor(),
            year=boundary.optional_integer(args.get("year"), "year"),
            unit_code=boundary.optional_text(args.get("unit") or None, "unit", max_length=32),
            project_id=boundary.optional_integer(args.get("project"), "project"),
            per_unit=args.get("per_unit") == "1",
        )
        return send(made)

    @expose("/documents/<int:doc_id>")
    def document(self, doc_id: int):
        """The document's own table: the button on its page and on its project's page."""
        return send(exports.export_document(doc_id, actor=actor()))
