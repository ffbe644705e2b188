"""Workbooks in the finance bureau's formats (docs/excel-formats.md), built from the plain
dataclasses of `model` with every figure already computed. Pure: no database, no request.

Per table, a `write_*(book, data, name)` that adds its sheet to an open `workbook.Book` (combined
workbooks reuse it), a `build_*(data, *, export_date, properties=None) -> (BytesIO, file name)`, and a
`layout(...)` of its fixed texts and merges, which imports check uploads against:

- T-1 `targets`, M-1 `monitoring`, X-1 `exante`;
- S-1 and S-2 `self_evaluation.build_self_evaluation` (by the document's family; S-2 lives in
  `self_evaluation_central`);
- D-1 and D-2 `department`;
- L-1 … L-6 `lists.write_list` / `lists.build_list` (by the list dataclass; streams in
  constant-memory mode), combined workbooks `combined.build_combined`.

Indicator rows print in the order given: adapters sort them with `indicators.sort_indicators`."""
