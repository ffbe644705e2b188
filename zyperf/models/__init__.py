"""All models, imported so that metadata is complete for create_all and Alembic."""

from zyperf.domain.settings import INDICATOR_FRAMEWORKS
from zyperf.models.accounts import (
    ROLE_LABELS,
    ApiToken,
    LoginThrottle,
    Role,
    RoleGrant,
    Unit,
    UnitKind,
    User,
    user_oversees,
)
from zyperf.models.audit import AppendOnlyError, AuditEntry
from zyperf.models.definitions import (
    DefinitionStatus,
    FormDefinition,
    IndicatorCategory,
    PublishedDefinitionImmutable,
)
from zyperf.models.documents import (
    DEPARTMENT_KINDS,
    KIND_LABELS,
    Attachment,
    DocumentEvent,
    DocumentKind,
    DocumentRevision,
    StageDocument,
)
from zyperf.models.listviews import ListView
from zyperf.models.projects import FiscalYear, Project
from zyperf.models.rectification import RectificationProblem
from zyperf.models.reminders import Reminder
from zyperf.models.results import ResultDecision
from zyperf.models.rounds import MEASURE_LABELS, ROUND_STAGES, HandlingDecision, Measure, Round
from zyperf.models.settings import SystemConfig

__all__ = [
    "DEPARTMENT_KINDS",
    "INDICATOR_FRAMEWORKS",
    "KIND_LABELS",
    "MEASURE_LABELS",
    "ROLE_LABELS",
    "ROUND_STAGES",
    "ApiToken",
    "AppendOnlyError",
    "Attachment",
    "AuditEntry",
    "DefinitionStatus",
    "DocumentEvent",
    "DocumentKind",
    "DocumentRevision",
    "FiscalYear",
    "FormDefinition",
    "HandlingDecision",
    "IndicatorCategory",
    "ListView",
    "LoginThrottle",
    "Measure",
    "Project",
    "PublishedDefinitionImmutable",
    "RectificationProblem",
    "Reminder",
    "ResultDecision",
    "Role",
    "RoleGrant",
    "Round",
    "StageDocument",
    "SystemConfig",
    "Unit",
    "UnitKind",
    "User",
    "user_oversees",
]
