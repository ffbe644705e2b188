"""What a document's print view shows: the sheet of its Excel table (the same Form the export
writes, from the same export_data adapters), its title and orientation; None for a kind without a
table (target and budget adjustments, rectification reports), whose page prints its fields."""

from dataclasses import dataclass

from zyperf.exports import department, exante, monitoring, self_evaluation, self_evaluation_central, targets
from zyperf.exports.form import Form
from zyperf.models import DocumentKind, StageDocument
from zyperf.services import export_data, rectification
from zyperf.services.export_data import Sheets
from zyperf.services.exports import approver


@dataclass(frozen=True)
class Sheet:
    form: Form
    title: str
    landscape: bool


def sheet_of(document: StageDocument, sheets: Sheets | None = None) -> Sheet | None:
    """The document's table as its export lays it out (T-1, M-1, S-1/S-2, X-1, D-1, D-2)."""
    sheets = sheets or Sheets()
    kind = document.kind
    if kind == DocumentKind.PERFORMANCE_TARGETS:
        return Sheet(targets.targets_form(export_data.targets_of(document, sheets)), targets.TABLE, False)
    if kind == DocumentKind.MONITORING:
        data = export_data.monitoring_of(document, sheets)
        return Sheet(monitoring.monitoring_form(data), monitoring.TABLE, True)
    if kind == DocumentKind.SELF_EVALUATION:
        data = export_data.evaluation_of(document, sheets)
        if data.family == self_evaluation_central.FAMILY:
            return Sheet(self_evaluation_central.central_form(data), self_evaluation_central.TABLE, True)
        return Sheet(self_evaluation.sichuan_form(data), self_evaluation.TABLE, True)
    if kind == DocumentKind.EX_ANTE_ASSESSMENT:
        return Sheet(exante.exante_form(export_data.exante_of(document, sheets)), exante.TABLE, False)
    if kind == DocumentKind.DEPARTMENT_TARGETS:
        data = export_data.department_targets_of(document, sheets)
        return Sheet(department.department_targets_form(data), department.TARGETS_TABLE, False)
    if kind == DocumentKind.DEPARTMENT_EVALUATION:
        data = export_data.department_evaluation_of(document, sheets, head=approver(document))
        return Sheet(department.department_evaluation_form(data), department.EVALUATION_TABLE, True)
    return None


def landscape(document: StageDocument, sheet: Sheet | None) -> bool:
    """A sheet prints as its export is set up; a report without one prints landscape when it holds the
    problem table (the twelve columns of L-5 整改台账), portrait otherwise."""
    return sheet.landscape if sheet else document.kind in rectification.PROBLEM_KINDS
