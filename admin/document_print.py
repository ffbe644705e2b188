"""The document's print view (打印), for signing on paper: its table laid out like the Excel form
(the same sheet the export writes, as HTML), or for a kind without a table its fields as label and
value; its state, and lines for the signatures. Anyone who may see the document may print it."""

from datetime import UTC, datetime

from flask_admin import expose

from admin.base import actor
from admin.document_view import DocumentView
from zyperf.exports.html import form_table
from zyperf.models import StageDocument
from zyperf.permissions import get_visible_or_404
from zyperf.services import document_data, printing
from zyperf.transitions import state_label

SIGNERS = ("填报人", "科室负责人", "分管领导")


class PrintPages:
    """Mixed into DocumentsView: the page behind the document page's 打印 button."""

    @expose("/<int:doc_id>/print")
    def print_view(self, doc_id: int):
        document = get_visible_or_404(actor(), StageDocument, doc_id)
        sheet = printing.sheet_of(document)
        definition = document_data.definition_of(document)
        return self.render(
            "admin/documents/print.html",
            document=document,
            landscape=printing.landscape(document, sheet),
            table=form_table(sheet.form, table_id="print-table") if sheet else None,
            fields=[f for f in (definition.fields if definition else []) if f["type"] != "file"],
            view=DocumentView(
                document, definition, document_data.document_settings(document).monitoring_month
            ),
            state=state_label(document.state),
            signers=SIGNERS,
            printed_at=datetime.now(UTC).replace(tzinfo=None),
        )
