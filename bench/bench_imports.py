"""Importing a filled-in T-1 template of 60 indicator rows (issue 10: well under a second), against a
floor measured in the same run: openpyxl reading the same file alone (load_workbook, as the import
opens it). The import is everything else too: the zip directory check, the layout, every cell read and
typed, the form's validation and figures, the history entry and the flush (rolled back after each run).

Run: python bench/bench_imports.py (SQLite in a temp dir, or BENCH_DATABASE_URL: a scratch PostgreSQL
database, emptied)."""

import io
import sys
from pathlib import Path
from statistics import median

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import openpyxl
from sqlalchemy import select

from bench.common import bench_app, timed
from zyperf.extensions import db
from zyperf.models import Project, User
from zyperf.services import documents, imports

ROWS = 60
REPEATS = 7
PAIRS = [
    ("产出指标", "数量指标"),
    ("产出指标", "质量指标"),
    ("产出指标", "时效指标"),
    ("效益指标", "社会效益指标"),
]


def targets_document():
    """A 规划科 targets draft with 60 indicators (weights 1.5 each: 90), made through the services."""
    staff = db.session.scalar(select(User).where(User.username == "guihua"))
    project = next(
        p
        for p in db.session.scalars(
            select(Project).where(Project.unit.has(code="guihua")).order_by(Project.id)
        )
        if not p.needs_ex_ante
    )
    rows = [
        {"level1": a, "level2": b, "level3": f"第{i + 1}项绩效指标", "nature": "≥", "value": "10", "unit": "个",
         "weight": "1.5"}
        for i, (a, b) in enumerate(PAIRS[i % len(PAIRS)] for i in range(ROWS))
    ]  # fmt: skip
    data = {"manager": "张三 13800000000", "funds": {"fiscal": {"amount": "120"}}, "annual_goal": "完成规划编制",
            "indicators": rows}  # fmt: skip
    document = documents.create_document("performance_targets", actor=staff, project=project, data=data)
    db.session.commit()
    return staff, document


def filled(document) -> bytes:
    """The template with every indicator's 指标值 changed, as a unit fills it in Excel."""
    wb = openpyxl.load_workbook(imports.template_of(document).buffer)
    ws = wb.active
    for r in range(11, 11 + ROWS):
        ws[f"F{r}"] = 12
    ws["B9"] = "完成规划编制并通过审查"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def main() -> None:
    app = bench_app()
    with app.app_context():
        staff, document = targets_document()
        content = filled(document)
        doc_id = document.id

        def floor(_):
            openpyxl.load_workbook(io.BytesIO(content), data_only=False, keep_links=False, rich_text=False)

        def run(_):
            imports.import_workbook(
                db.session.get(type(document), doc_id),
                content,
                actor=staff,
                expected_version=document.version,
            )
            assert len(db.session.get(type(document), doc_id).data["indicators"]) == ROWS
            db.session.rollback()

        run(0)  # warm: definitions, catalog, imports
        base = median(timed(floor, 3) for _ in range(REPEATS))
        took = median(timed(run, 3) for _ in range(REPEATS))
    print(f"\nimport of a {ROWS}-row T-1 template ({len(content) / 1024:.0f} KB)")
    print(f"  floor openpyxl.load_workbook alone: {base * 1000:.1f} ms")
    print(f"  import (read, check, validate, edit, flush): {took * 1000:.1f} ms  ({took / base:.1f}× floor)")


if __name__ == "__main__":
    main()
