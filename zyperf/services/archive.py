"""One project's records as a .zip (rules 三(六)): every file uploaded to its stage documents, its
history as JSON (every document, its data and its events), each document's stage workbook (its table
in the finance bureau's format, services.exports), and manifest.json naming every other member with
its size and SHA-256.

Built in memory (io.BytesIO). Before any file is read, the sum of the attachments' recorded sizes is
held against `max_bytes`, so a request never loads more than that; attachments are read one at a time.
"""

import hashlib
import io
import json
import re
import zipfile
from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from zyperf.errors import DomainError
from zyperf.extensions import db
from zyperf.models import Attachment, DocumentEvent, Project, StageDocument, User
from zyperf.models.base import utcnow
from zyperf.services import exports
from zyperf.services.records import attachments_of, history_json
from zyperf.transitions import state_label

ARCHIVE_MAX_BYTES = 256 * 1024 * 1024
_UNSAFE = re.compile(r'[\x00-\x1f\\/:*?"<>|]+')

# A document's stage workbook: (file name, .xlsx bytes), or None when its kind has none.
Workbook = Callable[[StageDocument], "tuple[str, bytes] | None"]


class ArchiveTooLarge(DomainError):
    status, code, default_message = 422, "invalid", "项目材料过大，不能打包下载"


def safe_name(name: str) -> str:
    """A file name that stays one member of the zip (no folders, no control characters)."""
    cleaned = _UNSAFE.sub("_", name or "").strip(" .") or "file"
    return cleaned[:120]


def build_archive(
    project: Project,
    *,
    actor: User,
    workbook: Workbook = exports.archive_workbook,
    max_bytes: int = ARCHIVE_MAX_BYTES,
) -> tuple[io.BytesIO, str]:
    """The project's archive and its download name. The caller has checked that `actor` may see the
    project (its documents are the project's unit's). Raises ArchiveTooLarge. Reads only."""
    documents = db.session.scalars(
        select(StageDocument)
        .where(StageDocument.project_id == project.id)
        .options(selectinload(StageDocument.events).selectinload(DocumentEvent.actor))
        .order_by(StageDocument.id)
    ).all()
    ids = [d.id for d in documents]
    total = db.session.scalar(
        select(func.coalesce(func.sum(Attachment.size), 0)).where(Attachment.document_id.in_(ids))
    )
    if total > max_bytes:
        raise ArchiveTooLarge(
            f"该项目附件合计 {total / 1024 / 1024:.1f} MB，超过单个归档包上限 {max_bytes / 1024 / 1024:.0f} MB，"
            "请在各文档页面分别下载附件"
        )
    files: list[dict] = []
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:

        def add(name: str, content: bytes, **extra) -> None:
            archive.writestr(name, content)
            files.append(
                {"name": name, "size": len(content), "sha256": hashlib.sha256(content).hexdigest()} | extra
            )

        for document in documents:
            folder = f"{document.id}-{document.kind_label}"
            if made := workbook(document):
                add(f"workbooks/{folder}/{safe_name(made[0])}", made[1], document_id=document.id)
            for row in attachments_of(document):
                content = db.session.scalar(select(Attachment.content).where(Attachment.id == row.id))
                add(
                    f"attachments/{folder}/{row.id}-{safe_name(row.filename)}",
                    content,
                    document_id=document.id,
                    attachment_id=row.id,
                    recorded_sha256=row.sha256,
                    uploaded_by=row.uploaded_by.username if row.uploaded_by else None,
                    uploaded_at=row.uploaded_at.isoformat() + "Z",
                )
        history = {"project": _project_json(project), "documents": [_document_json(d) for d in documents]}
        add("history.json", _json(history))
        manifest = {
            "project": _project_json(project),
            "generated_at": utcnow().isoformat(timespec="seconds") + "Z",
            "generated_by": actor.username,
            "files": files,
        }
        archive.writestr("manifest.json", _json(manifest))
    buffer.seek(0)
    return buffer, f"{project.fiscal_year.year}-{safe_name(project.name)}-绩效档案.zip"


def _json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=2, default=str).encode("utf-8")


def _project_json(project: Project) -> dict:
    return {
        "id": project.id,
        "code": project.code,
        "name": project.name,
        "year": project.fiscal_year.year,
        "unit": project.unit.name,
    }


def _document_json(document: StageDocument) -> dict:
    return {
        "id": document.id,
        "kind": document.kind,
        "kind_label": document.kind_label,
        "state": document.state,
        "state_label": state_label(document.state),
        "revision": document.revision,
        "form_version": document.form_version,
        "data": document.data,
        "events": history_json(document.events),
    }
