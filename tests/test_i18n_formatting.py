"""Dates, numbers and amounts are written for the reader's language."""

from datetime import UTC, datetime

import pytest
from flask_babel import refresh

from app.i18n import money, number, percent

NBSP, NNBSP, RLM = "\u00a0", "\u202f", "\u200f"
MOMENT = datetime(2026, 3, 31, 16, 30, tzinfo=UTC)  # 18:30 in Brussels (summer time)


@pytest.fixture
def in_language(app):
    def use(locale):
        context = app.test_request_context("/", headers={"Accept-Language": locale})
        context.push()
        refresh()
        return app.jinja_env.filters

    yield use
    refresh()


@pytest.mark.parametrize(
    ("locale", "mad", "eur", "moment", "day"),
    [
        (
            "fr",
            f"250{NNBSP}000{NBSP}MAD",
            f"1{NNBSP}234,50{NBSP}€",
            "31 mars 2026, 18:30",
            "mardi 31 mars 2026",
        ),
        ("en", f"MAD{NBSP}250,000", "€1,234.50", "Mar 31, 2026, 18:30", "Tuesday, March 31, 2026"),
        (
            "nl",
            f"MAD{NBSP}250.000",
            f"€{NBSP}1.234,50",
            "31 mrt 2026, 18:30",
            "dinsdag 31 maart 2026",
        ),
        (
            "ar",
            f"{RLM}250,000{NBSP}د.م.{RLM}",
            f"{RLM}1,234.50{NBSP}€",
            "31 مارس 2026، 18:30",
            "الثلاثاء، 31 مارس 2026",
        ),
    ],
)
def test_a_date_and_an_amount_in_each_language(in_language, locale, mad, eur, moment, day):
    filters = in_language(locale)
    assert money(250000, "MAD") == mad
    assert money(1234.5, "EUR") == eur
    assert filters["local_dt"](MOMENT) == moment
    assert filters["local_dt"](MOMENT, "EEEE d MMMM y") == day
    assert filters["local_dt"](MOMENT, "HH:mm") == "18:30"


def test_numbers_and_percentages_follow_the_language(in_language):
    in_language("fr")
    assert number(7.25, 1) == "7,2" and number(1234) == f"1{NNBSP}234"
    assert percent(25) == f"25{NBSP}%"
    in_language("en")
    assert number(7.25, 1) == "7.2" and percent(25) == "25%"
    assert money(None) == number(None) == percent("") == "—"


def test_the_dossier_shows_amounts_in_the_reader_language(client, make_application, login_as):
    application = make_application("draft")
    application.answers = {
        **application.answers,
        "investment_eur": 250000,
        "stage": "company",
        "capital_mad": 100000,
    }
    from app.extensions import db

    db.session.commit()
    login_as(application.applicant)
    english = client.get(f"/applications/{application.id}", headers={"Accept-Language": "en"})
    assert "€250,000" in english.get_data(as_text=True)
    client.post("/language", data={"locale": "fr", "next": "/"})
    french = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert f"250{NNBSP}000{NBSP}€" in french and f"100{NNBSP}000{NBSP}MAD" in french
