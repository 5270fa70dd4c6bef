"""What every page shares: the site's icon, and public pages all reachable from a call's page."""

from app.common.headers import CONTENT_SECURITY_POLICY


def _is_svg(data: bytes) -> bool:
    text = data.decode("utf-8").strip()
    return text.startswith('<svg xmlns="http://www.w3.org/2000/svg"') and text.endswith("</svg>")


def test_the_favicon_is_served_where_browsers_ask_for_it(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert _is_svg(response.get_data())
    response.close()
    # Same security headers as every response: the icon needs no exception.
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def test_every_page_links_the_icon(client):
    for path in ("/", "/login", "/privacy"):
        html = client.get(path).get_data(as_text=True)
        assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html, path
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200 and _is_svg(icon.get_data())
    icon.close()
