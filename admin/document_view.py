"""How a document reads to a person: labels of fields, table cells and changes in the words of its
form (with the year's 1-m月), choice values by their labels, figures formatted."""

import re

from zyperf.domain import indicators, problems, stages, tables, tasks
from zyperf.domain.text import period_label
from zyperf.formatting import change_text
from zyperf.models import FormDefinition, StageDocument

_CELL = re.compile(r"^([a-z0-9_]+)\[(\d+)\]\.([a-z0-9_]+)$")
_FUND = re.compile(r"^([a-z0-9_]+)\.([a-z]+)\.([a-z]+)$")
SYSTEM_LABELS = {"form_version": "表单版本", "review_conclusion": "市财政局审核结论"}
ROW_TABLES = frozenset({"indicator_table", "task_table", "problem_table"})
CELL_OPTIONS = {
    "likelihood": indicators.LIKELIHOODS,
    "causes": indicators.CAUSES,
    "source": problems.SOURCES,
    "status": problems.STATUSES,
}


class DocumentView:
    def __init__(self, document: StageDocument, definition: FormDefinition | None, month: int):
        self.document = document
        self.period = period_label(month)
        self.fields = definition.fields if definition else []
        self.by_key = {f["key"]: f for f in self.fields}

    def text(self, label: str) -> str:
        return label.replace("{period}", self.period)

    def label(self, key: str) -> str:
        """A field, a table cell (`indicators[3].actual`) or a fund cell (`funds.fiscal.executed`)."""
        if key in self.by_key:
            return self.text(self.by_key[key]["label"])
        if match := _CELL.match(key):
            field, row, column = match.groups()
            spec = self.by_key.get(field, {"label": field})
            columns = self.row_columns(spec) if spec.get("type") in ROW_TABLES else {}
            name = columns.get(column) or {"rating": "评价等级", "opinion": "评估意见"}.get(column, column)
            return f"{self.text(spec['label'])} 第{row}行 {self.text(name)}"
        if match := _FUND.match(key):
            field, source, column = match.groups()
            spec = self.by_key.get(field)
            if spec and spec["type"] == "fund_table" and source in (*tables.FUND_SOURCES, tables.CARRYOVER):
                column_name = tables.column_label(spec, column) if column in tables.FUND_COLUMNS else column
                return f"{self.text(spec['label'])} {tables.source_label(source)}·{self.text(column_name)}"
        return SYSTEM_LABELS.get(key, key)

    def ordered(self, changes: dict) -> list[tuple[str, list]]:
        """A history entry's changes in the order of the form's fields (then table rows and cells)."""
        position = {key: i for i, key in enumerate(self.by_key)}

        def place(key: str):
            match = _CELL.match(key) or _FUND.match(key)
            field = match.group(1) if match else key
            row = int(match.group(2)) if match and match.re is _CELL else 0
            return (position.get(field, len(position)), row, key)

        return sorted(changes.items(), key=lambda item: place(item[0]))

    def value(self, key: str, value) -> str:
        """One side of a change, with choices shown by their labels and figures formatted."""
        if value in (None, "", []):
            return "（空）"
        spec = self.by_key.get(key)
        if spec and spec["type"] == "computed":
            return stages.display(self.document.kind, spec.get("formula", ""), value)
        options = self._options(key)
        if options and isinstance(value, str):
            return options.get(value, value)
        if options and isinstance(value, list):
            return "、".join(options.get(v, str(v)) for v in value) or "（空）"
        return change_text(value)

    def _options(self, key: str) -> dict | None:
        spec = self.by_key.get(key)
        if spec and spec["type"] in ("choice", "multi_choice"):
            return dict(spec["choices"])
        if spec and spec["type"] == "yes_no":
            return None
        if match := _CELL.match(key):
            return CELL_OPTIONS.get(match.group(3))
        return None

    def figure(self, spec: dict) -> str:
        return stages.display(
            self.document.kind, spec.get("formula", ""), (self.document.data or {}).get(spec["key"])
        )

    def row_cell(self, row: dict, column: str) -> str:
        value = row.get(column)
        if column == "core":
            return "★" if value else ""
        if column in ("causes", "evidence"):
            return "、".join(
                e.get("name", "") if isinstance(e, dict) else indicators.CAUSES.get(e, e) for e in value or []
            )
        if column in CELL_OPTIONS:
            return CELL_OPTIONS[column].get(value, value or "")
        return "" if value is None else str(value)

    def row_columns(self, spec: dict) -> dict[str, str]:
        """The columns of a table field, as its header reads them."""
        if spec.get("type") == "task_table":
            return dict(tasks.TASK_COLUMNS)
        if spec.get("type") == "problem_table":
            return dict(problems.PROBLEM_COLUMNS)
        return {k: self.text(v) for k, v in indicators.columns(spec).items()}

    def fund_rows(self, spec: dict, value) -> list[tuple[str, list[str]]]:
        """(label, amounts) rows of a fund table: 年度资金总额 first, then each stored source."""
        columns = tables.fund_columns(spec)
        value = value if isinstance(value, dict) else {}
        rows = [("年度资金总额", [str(tables.fund_total(value, c)) for c in columns])]
        for source in [s for s in (*tables.FUND_SOURCES, tables.CARRYOVER) if s in value]:
            rows.append(
                (tables.source_label(source), [str(tables.fund_amount(value, source, c)) for c in columns])
            )
        return rows

    def fund_columns(self, spec: dict) -> list[str]:
        return [self.text(tables.column_label(spec, c)) for c in tables.fund_columns(spec)]
