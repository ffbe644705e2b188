"""All models, imported so that metadata is complete for create_all and Alembic."""

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
    KIND_LABELS,
    Attachment,
    DocumentEvent,
    DocumentKind,
    DocumentRevision,
    StageDocument,
)
from zyperf.models.listviews import ListView
from zyperf.models.projects import INDICATOR_FRAMEWORKS, TEMPLATE_FAMILIES, FiscalYear, Project

__all__ = [
    "INDICATOR_FRAMEWORKS",
    "KIND_LABELS",
    "ROLE_LABELS",
    "TEMPLATE_FAMILIES",
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
    "IndicatorCategory",
    "ListView",
    "LoginThrottle",
    "Project",
    "PublishedDefinitionImmutable",
    "Role",
    "RoleGrant",
    "StageDocument",
    "Unit",
    "UnitKind",
    "User",
    "user_oversees",
]
