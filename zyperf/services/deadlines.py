"""Due dates. Each stage has its deadline in its year's settings; a document issued by a round carries
the round's due date, and one created after its stage's deadline gets the year's grace days, so a late
year does not paint every new document red on its first day."""

from datetime import date, timedelta

from zyperf.models import DocumentKind, FiscalYear, StageDocument

DUE_FIELDS = {
    DocumentKind.EX_ANTE_ASSESSMENT: "ex_ante_due",
    DocumentKind.PERFORMANCE_TARGETS: "targets_due",
    DocumentKind.TARGET_ADJUSTMENT: "targets_due",
    DocumentKind.MONITORING: "monitoring_due",
    DocumentKind.BUDGET_ADJUSTMENT: "monitoring_due",
    DocumentKind.SELF_EVALUATION: "evaluation_due",
    DocumentKind.DEPARTMENT_EVALUATION: "evaluation_due",
    DocumentKind.RECTIFICATION: "rectification_due",
    DocumentKind.DEPARTMENT_TARGETS: "targets_due",
    DocumentKind.DEPARTMENT_RECTIFICATION: "rectification_due",
}


def stage_deadline(fiscal_year: FiscalYear, kind: str) -> date | None:
    """The year's deadline for a stage (None when the year sets none)."""
    return getattr(fiscal_year, DUE_FIELDS[DocumentKind(kind)])


def due_date(document: StageDocument) -> date | None:
    """The document's own due date when it has one, else its year's deadline for its stage."""
    return document.due_on or stage_deadline(document.fiscal_year, document.kind)


def grace_date(fiscal_year: FiscalYear, today: date) -> date:
    return today + timedelta(days=fiscal_year.year_settings.due_grace_days)


def round_due(fiscal_year: FiscalYear, stage: str, today: date) -> date | None:
    """A round's due date: the stage's deadline, or the grace date when that has already passed."""
    deadline = stage_deadline(fiscal_year, stage)
    if deadline is not None and deadline < today:
        return grace_date(fiscal_year, today)
    return deadline


def due_on_creation(fiscal_year: FiscalYear, kind: str, today: date, *, round_due: date | None = None):
    """What a new document keeps in due_on: its round's due date; the grace date when its stage's
    deadline has passed; else None (it follows its year's deadline, also when that is moved)."""
    if round_due is not None:
        return round_due
    deadline = stage_deadline(fiscal_year, kind)
    return grace_date(fiscal_year, today) if deadline is not None and deadline < today else None
