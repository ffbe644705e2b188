"""The task table of department targets (D-1) and the problem table of rectification reports: inputs
named `<key>-<row>-<column>`, every value escaped. The domain checkers (zyperf.domain.tasks,
zyperf.domain.problems) decide what a cell may hold; these carry input to them and show what is stored."""

from markupsafe import Markup
from werkzeug.datastructures import FileStorage

from forms.tables import _ROW_KEY, REQUIRED_MARK, _TableField
from zyperf.domain import problems, tasks


def _rows_from(field: _TableField, formdata) -> tuple[list[tuple[str, dict]], dict]:
    """(posted row index, cells) in row order, and the files posted per row index."""
    cells: dict[str, dict] = {}
    files: dict[str, list[FileStorage]] = {}
    prefix = f"{field.name}-"
    for name in formdata:
        if name.startswith(prefix) and (match := _ROW_KEY.match(name[len(prefix) :])):
            index, column = match.groups()
            values = formdata.getlist(name)
            uploads = [v for v in values if isinstance(v, FileStorage) and v.filename]
            if uploads:
                files.setdefault(index, []).extend(uploads)
            elif not any(isinstance(v, FileStorage) for v in values):
                cells.setdefault(index, {})[column] = values[0] if len(values) == 1 else values
            cells.setdefault(index, {})
    return sorted(cells.items(), key=lambda item: int(item[0])), files


def _blank(row: dict) -> bool:
    return all(not str(v).strip() for k, v in row.items() if k != "number")


def _head(columns, labels: dict[str, str], required, conditional: dict[str, str] | None = None) -> Markup:
    """Column headers, each column a row must fill on 送审 marked, a conditionally required one noted."""

    def mark(column: str):
        if column in required:
            return REQUIRED_MARK
        if conditional and column in conditional:
            return Markup('<small class="conditional-required">（{}）</small>').format(conditional[column])
        return ""

    return Markup("").join(
        Markup('<th data-column="{}">{}{}</th>').format(c, labels[c], mark(c)) for c in columns
    )


def _select(name: str, options: dict[str, str], value) -> Markup:
    opts = Markup("").join(
        Markup('<option value="{}"{}>{}</option>').format(v, Markup(" selected") if v == value else "", label)
        for v, label in {"": "请选择", **options}.items()
    )
    return Markup('<select name="{}">{}</select>').format(name, opts)


class TaskTableField(_TableField):
    """年度主要任务: name, content and amounts per task; 总额 is shown (the server computes it)."""

    BLANK_ROWS = 2
    INPUTS = {"name": 14, "content": 30, "fiscal": 8, "other": 8}

    def from_formdata(self, formdata):
        cells = self._cells(formdata)
        if "__json__" in cells:
            return cells["__json__"]
        rows, _ = _rows_from(self, formdata)
        kept = [(int(index), row) for index, row in rows if not tasks.blank_row(row)]
        self.positions = [index for index, _ in kept]
        return [row for _, row in kept]

    def __call__(self, **kwargs):
        rows = [r for r in (self.data if isinstance(self.data, list) else []) if isinstance(r, dict)]
        rows += [{}] * self.BLANK_ROWS
        columns = ("name", "content", "fiscal", "other", "total")
        head = _head(columns, tasks.TASK_COLUMNS, tasks.REQUIRED_COLUMNS)
        body = Markup("").join(
            Markup('<tr data-row="{}">{}</tr>').format(
                i,
                Markup("").join(
                    Markup('<td class="computed" data-row-figure="{}-{}-total">{}</td>').format(
                        self.name, i, row.get("total", "")
                    )
                    if c == "total"
                    else Markup("<td>{}</td>").format(self.input(i, c, row.get(c), size=self.INPUTS[c]))
                    for c in columns
                ),
            )
            for i, row in enumerate(rows)
        )
        return Markup(
            '<table class="task-table indicator-table" id="{}"><thead><tr>{}</tr></thead><tbody>{}</tbody></table>'
            '<button type="button" class="btn btn-sm btn-outline-secondary mt-1" data-add-row="{}">添加一项任务</button>'
        ).format(self.id, head, body, self.id)


class ProblemTableField(_TableField):
    """One row per problem. A problem's 序号 travels in a hidden input (the service gives new ones);
    its stored 佐证材料 stay with it, and files chosen in its row are added (never replacing any):
    `uploads` maps each kept row's position to its new files, which the page stores as attachments."""

    BLANK_ROWS = 1
    TEXTAREAS = ("description", "measures", "result")

    def from_formdata(self, formdata):
        cells = self._cells(formdata)
        if "__json__" in cells:
            return cells["__json__"]
        self.uploads: dict[int, list[FileStorage]] = {}
        posted, files = _rows_from(self, formdata)
        rows = []
        for index, row in posted:
            new = files.get(index, [])
            if _blank(row) and not new:
                continue
            if new:
                self.uploads[len(rows)] = new
                row["evidence"] = [self._meta(f) for f in new]
            rows.append(row)
        return rows

    @staticmethod
    def _meta(upload: FileStorage) -> dict:
        upload.stream.seek(0, 2)
        size = upload.stream.tell()
        upload.stream.seek(0)
        return {"name": upload.filename, "size": size}

    def raw_value(self):
        """Posted rows with the stored evidence of each known problem (by 序号) put back first."""
        stored = {
            str(r.get("number")): r.get("evidence") or []
            for r in (self.object_data if isinstance(self.object_data, list) else [])
            if isinstance(r, dict)
        }
        if not isinstance(self.data, list) or not hasattr(self, "uploads"):
            return self.data
        return [
            {**row, "evidence": stored.get(str(row.get("number")), []) + list(row.get("evidence") or [])}
            if isinstance(row, dict)
            else row
            for row in self.data
        ]

    def __call__(self, **kwargs):
        rows = [r for r in (self.data if isinstance(self.data, list) else []) if isinstance(r, dict)]
        rows += [{}] * self.BLANK_ROWS
        columns = [c for c in problems.PROBLEM_COLUMNS if c != "number"]
        head = _head(
            columns, problems.PROBLEM_COLUMNS, problems.REQUIRED_COLUMNS, problems.CONDITIONAL_COLUMNS
        )
        body = Markup("").join(
            Markup('<tr data-row="{}">{}</tr>').format(
                i, Markup("").join(self._cell(i, row, c) for c in columns)
            )
            for i, row in enumerate(rows)
        )
        return Markup(
            '<table class="problem-table indicator-table" id="{}"><thead><tr>{}</tr></thead><tbody>{}</tbody></table>'
            '<button type="button" class="btn btn-sm btn-outline-secondary mt-1" data-add-row="{}">添加一个问题</button>'
        ).format(self.id, head, body, self.id)

    def _cell(self, i: int, row: dict, column: str) -> Markup:
        name, value = f"{self.name}-{i}-{column}", row.get(column)
        if column == "source":
            number = Markup('<input type="hidden" name="{}-{}-number" value="{}">').format(
                self.name, i, row.get("number", "")
            )
            return Markup("<td>{}{}</td>").format(number, _select(name, problems.SOURCES, value))
        if column == "status":
            return Markup("<td>{}</td>").format(_select(name, problems.STATUSES, value))
        if column in self.TEXTAREAS:
            return Markup('<td><textarea name="{}" rows="2" cols="18">{}</textarea></td>').format(
                name, value or ""
            )
        if column == "deadline":
            return Markup("<td>{}</td>").format(self.input(i, column, value, type="date"))
        if column == "evidence":
            names = Markup("<br>").join(e.get("name", "") for e in value or [] if isinstance(e, dict))
            return Markup(
                '<td><div class="small" data-evidence>{}</div><input type="file" name="{}-{}-evidence_file" multiple></td>'
            ).format(names, self.name, i)
        return Markup("<td>{}</td>").format(self.input(i, column, value, size=8))
