"""What every request may carry and what every response says.

Requests: ids in paths fit the database's 32-bit columns (a bigger one is a plain 404), JSON bodies
are parsed with a depth limit wherever they are read (the API, and Flask-WTF's forms), no query or
form value carries a NUL byte (PostgreSQL refuses it in text), uploaded files' names are cleaned.

Responses: no framing, no sniffing, a content policy without inline scripts that also keeps the
promise of a closed network (nothing is loaded from another origin), and no caching of anything a
logged-in user is shown.
"""

from flask import request
from flask.json.provider import DefaultJSONProvider
from flask_login import current_user
from werkzeug.routing import IntegerConverter

from zyperf import boundary
from zyperf.errors import BadRequest

DIRECTIVES = (
    "default-src 'self'",
    "script-src 'self'",  # every script is a file under static/ or Flask-Admin's static folder
    "style-src 'self' 'unsafe-inline'",  # Flask-Admin's templates carry style attributes
    "img-src 'self' data:",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
)
CONTENT_SECURITY_POLICY = "; ".join(DIRECTIVES)
STATIC_ENDPOINTS = frozenset({"static", "admin.static"})


def digits_up_to(limit: int) -> str:
    """A regex for the ASCII numerals 0..limit (no sign), so a bigger number matches no rule."""
    top = str(limit)
    shorter = [f"[0-9]{{1,{len(top) - 1}}}"] if len(top) > 1 else []
    below = [top[:i] + f"[0-{int(d) - 1}][0-9]{{{len(top) - i - 1}}}" for i, d in enumerate(top) if d != "0"]
    return "(?:" + "|".join([*shorter, *below, top]) + ")"


class Int32Converter(IntegerConverter):
    """`<int:id>` for the database's integer columns: ASCII digits up to 2^31 − 1, else a plain 404.
    In the regex, not a max= check: Werkzeug answers 405 to other methods when conversion fails."""

    regex = digits_up_to(boundary.INT32_MAX)


class BoundedJSONProvider(DefaultJSONProvider):
    """Flask's JSON, with request bodies parsed through the boundary (depth, NaN, NUL, surrogates)."""

    def loads(self, s, **kwargs):
        return boundary.parse_json(s)


def check_request_values() -> None:
    """No query or form value may carry NUL (it would reach a query, and PostgreSQL refuses it), and
    uploaded files' names are cleaned before anything reads them (no path, no control characters)."""
    for upload in request.files.values():
        if upload.filename:
            upload.filename = boundary.filename(upload.filename)
    for source in (request.args, request.form):
        for key, value in source.items(multi=True):
            key, value = key or "", value or ""  # a multipart part named "" arrives without a name
            if "\x00" in key or "\x00" in value:
                name = boundary.printable(key.replace("\x00", "\\0"))
                raise BadRequest(
                    f"参数 {name} 含有不允许的空字符（NUL）", fields={name: ["含有不允许的空字符（NUL）"]}
                )


def init_security(app) -> None:
    """Called before any route is added: the id converter applies to every `<int:…>` rule."""
    app.url_map.converters["int"] = Int32Converter
    app.json = BoundedJSONProvider(app)
    app.jinja_env.finalize = boundary.printable
    app.before_request(check_request_values)

    @app.after_request
    def _headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if request.endpoint not in STATIC_ENDPOINTS and current_user.is_authenticated:
            # Business pages, API answers and downloads stay out of browser and proxy caches.
            response.headers["Cache-Control"] = "no-store"
            response.headers.pop("Expires", None)
            response.headers.pop("ETag", None)
        return response
