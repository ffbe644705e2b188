"""The closed network: no page, stylesheet or script the app serves refers to another origin. Every
src, href and action of every page each role can open, and every url() in the stylesheets they link."""

import re
from urllib.parse import urljoin, urlparse

import pytest

from tests.test_scale import waiting_for_both

PAGES = {
    "guihua": ("/admin/", "/worklist/", "/documents/", "/projects/", "/results/", "/exports/", "/account/"),
    "guihua_head": ("/admin/", "/worklist/"),
    "deputy": ("/admin/", "/documents/"),
    "finance": ("/admin/", "/outstanding/", "/rounds/", "/ledger/", "/results/", "/exports/"),
    "leader": ("/admin/", "/outstanding/"),
    "admin": (
        "/admin/",
        "/admin/admin_users/",
        "/admin/admin_units/",
        "/admin/admin_years/",
        "/admin/admin_forms/",
        "/admin/admin_audit/",
        "/admin/admin_workflows/",
        "/admin/admin_list_views/",
    ),
}
REFERENCE = re.compile(r"""\b(?:src|href|action|xlink:href)\s*=\s*["']([^"']*)["']""", re.IGNORECASE)
CSS_URL = re.compile(r"""url\(\s*["']?([^"')]+)["']?\s*\)""", re.IGNORECASE)
STYLESHEET = re.compile(r"""<link[^>]+href=["']([^"']+\.css[^"']*)["']""", re.IGNORECASE)


def foreign(references, base: str) -> list[str]:
    """References that would leave the app's origin (data: URIs and fragments stay; Flask-Admin's menu
    toggles are `javascript:void(0)`, which zyperf.js never follows)."""
    origin = urlparse(base).netloc
    found = []
    for ref in references:
        if ref.startswith(("data:", "#")) or ref == "javascript:void(0)":
            continue
        target = urlparse(urljoin(base, ref))
        if target.scheme not in ("http", "https") or target.netloc != origin:
            found.append(ref)
    return found


@pytest.mark.parametrize("username", sorted(PAGES))
def test_no_page_or_stylesheet_refers_to_another_origin(client_for, bureau, username):
    waiting_for_both(bureau)
    client = client_for(bureau[username])
    base = "http://localhost/"
    stylesheets = set()
    for path in PAGES[username]:
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        assert not foreign(REFERENCE.findall(html), urljoin(base, path)), path
        assert not foreign(CSS_URL.findall(html), urljoin(base, path)), path  # style attributes
        stylesheets |= set(STYLESHEET.findall(html))
    assert stylesheets
    for sheet in stylesheets:
        response = client.get(sheet)
        assert response.status_code == 200, sheet
        assert not foreign(CSS_URL.findall(response.get_data(as_text=True)), urljoin(base, sheet)), sheet
        response.close()
