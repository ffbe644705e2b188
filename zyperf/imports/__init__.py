"""Filled-in templates read back (issue 10): pure, no database and no request.

- `reading`: the upload opened safely (what the bytes are, zip limits before anything is
  decompressed, openpyxl through defusedxml) and its §1.8 properties;
- `sheet`: one sheet's cells read as typed values, each refusal naming its cell, the layout checked
  against the export builders' own `layout()`;
- `forms` (T-1, M-1), `evaluation` (S-1, S-2, X-1) and `problems` (L-5): which cell is which field,
  which cells are read-only or computed (the template marks them), and the field values an upload
  holds. The service (zyperf.services.imports) passes these through the document's edit."""
