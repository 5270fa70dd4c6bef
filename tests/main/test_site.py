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


#: Public pages a visitor does not reach by a link, each for its reason.
NOT_LINKED = {
    "main.healthz": "for load balancers and monitoring, not a page",
    "main.favicon": "the icon, asked for by browsers",
    "static": "files the pages use",
    "auth.registration_sent": "the answer to the registration form (a POST)",
    "letters.verify": "the answer to the verification form: it needs a letter's code",
}


def test_every_public_page_is_reachable_from_the_call_page(app, client, make_call):
    """Every page the access map opens to visitors (tests/<area>/access.py) is reached by
    following links from a call's public page."""
    from tests.policy.crawl import crawl
    from tests.test_access import EXPECTED

    call = make_call("MBI-2026", name="Maghrib Belgium Impulse 2026")
    public = {
        endpoint
        for endpoint, (method, answers) in EXPECTED.items()
        if method == "GET" and answers["anonymous"] == 200
    }
    assert set(NOT_LINKED) <= public  # each exception is a public route still
    reach = crawl(client, f"/calls/{call.reference}")
    urls = app.url_map.bind("localhost")
    reached = {
        urls.match(address.split("?")[0], method="GET")[0]
        for address, status in reach.visited.items()
        if status == 200
    }
    assert public - set(NOT_LINKED) <= reached, public - set(NOT_LINKED) - reached
