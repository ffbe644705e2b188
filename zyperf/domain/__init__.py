"""The domain core: pure functions of values, with no Flask, no database and no request.

Field types and their checks, the indicator table, the figures of excel-formats §4, the fiscal-year
settings of §2 and the validation rules of §5. Pages, the API, services, exports and imports all
call these; none of them computes a figure a second way.
"""
