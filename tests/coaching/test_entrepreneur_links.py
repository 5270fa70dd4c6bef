"""The entrepreneur finds their coaching page from their dossier, as from their home."""

from html import unescape

COACHING_LINK = "My coaching: sessions, action items and milestones"


def _dossier_page(client, application) -> str:
    response = client.get(f"/applications/{application.id}")
    assert response.status_code == 200
    return unescape(response.get_data(as_text=True))


def test_the_dossier_links_to_my_coaching_once_coaching_started(client, login_as, project):
    login_as(project.applicant)
    page = _dossier_page(client, project)
    assert f'href="/coaching/mine/{project.id}"' in page and COACHING_LINK in page
    assert client.get(f"/coaching/mine/{project.id}").status_code == 200


def test_no_coaching_link_before_coaching(client, login_as, make_confirmed):
    confirmed = make_confirmed()
    login_as(confirmed.applicant)
    page = _dossier_page(client, confirmed)
    assert "/coaching/mine/" not in page and COACHING_LINK not in page
