"""The privacy notice is linked from every form that collects personal data, in every language."""

from datetime import timedelta

import pytest

from app.common.clock import utcnow
from app.extensions import db
from app.info_sessions.models import InfoSession

LANGUAGES = {"fr": "Lire la politique de confidentialité", "en": "Read the privacy notice"}


def _pages(client, login_as, make_application):
    application = make_application("draft")
    starts = utcnow() + timedelta(days=5)
    db.session.add(
        InfoSession(
            call=application.call,
            city="Gent",
            venue="Zebrastraat",
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            capacity=10,
        )
    )
    db.session.commit()
    yield "register", lambda h: client.get("/register", headers=h)
    yield "sessions", lambda h: client.get(f"/calls/{application.call_id}/sessions", headers=h)
    login_as(application.applicant)
    yield "step", lambda h: client.get(f"/applications/{application.id}/steps/applicant", headers=h)


@pytest.mark.parametrize("locale", sorted(LANGUAGES))
def test_every_personal_data_form_links_the_notice(client, login_as, make_application, locale):
    for name, get in _pages(client, login_as, make_application):
        client.post("/language", data={"locale": locale})
        page = get({"Accept-Language": locale}).get_data(as_text=True)
        assert 'href="/privacy"' in page, name
        assert LANGUAGES[locale] in page, (name, locale)


def test_the_notice_says_how_long_documents_are_kept(app, client):
    app.config["RETENTION_MONTHS"] = 18
    try:
        page = client.get("/privacy", headers={"Accept-Language": "en"}).get_data(as_text=True)
    finally:
        app.config["RETENTION_MONTHS"] = 12
    assert "18 months after the decision" in page
