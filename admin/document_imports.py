"""The document page's Excel round trip: 下载填报模板, and the filled template uploaded; a refusal comes
back on the same page with a table of the cells (sheet, cell, message, what the cell held)."""

from flask import flash, redirect, url_for
from flask_admin import expose

from admin.base import actor
from admin.exports import send
from forms.decisions import TableUploadForm
from zyperf.imports.reading import MAX_BYTES
from zyperf.models import StageDocument
from zyperf.permissions import get_visible_or_404
from zyperf.services import imports


class ImportPages:
    """Mixed into DocumentsView: the routes behind the block of admin/documents/_import.html."""

    @expose("/<int:doc_id>/template")
    def template(self, doc_id: int):
        return send(imports.template(doc_id, actor=actor()))

    @expose("/<int:doc_id>/import", methods=["POST"])
    def import_table(self, doc_id: int):
        user = actor()
        document = get_visible_or_404(user, StageDocument, doc_id)
        form = TableUploadForm()
        if not form.validate_on_submit():
            flash("；".join(m for msgs in form.errors.values() for m in msgs), "error")
            return redirect(url_for(".detail", doc_id=doc_id), code=303)
        content = b""
        if upload := form.file.data:
            content = upload.stream.read(MAX_BYTES + 1)
            upload.close()
        return self.act(
            document,
            lambda: imports.import_workbook(
                document, content, actor=user, expected_version=form.version.data
            ),
            f"已从 Excel 导入：{document.title}",
        )
