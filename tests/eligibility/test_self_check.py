"""The public self-check: advice rule by rule, before any account exists."""

EN = {"Accept-Language": "en"}


def test_the_questionnaire_is_public_and_asks_what_the_rules_look_at(client, make_call):
    call = make_call("MBI-2026")
    page = client.get(f"/calls/{call.reference}/self-check", headers=EN)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Am I eligible?" in html
    for asked in ("birth_date", "nationalities", "moroccan_ties", "languages", "stage"):
        assert f'name="{asked}"' in html
    assert 'name="full_name"' not in html  # no rule looks at it


def test_an_eligible_visitor_is_told_so_rule_by_rule(client, make_call):
    call = make_call("MBI-2026")
    query = {
        "birth_date": "1990-05-01",
        "nationalities": ["MA"],
        "belgium_residence_start": "2012-01-01",
        "languages": ["fr"],
        "no_banking_ban": "yes",
        "no_legal_proceedings": "yes",
        "stage": "idea",
    }
    html = client.get(
        f"/calls/{call.reference}/self-check", query_string=query, headers=EN
    ).get_data(as_text=True)
    assert "You seem eligible." in html
    assert "Born May 1, 1990" in html


def test_an_ineligible_visitor_learns_which_rule_and_why(client, make_call):
    call = make_call("MBI-2026")
    query = {
        "birth_date": "2015-01-01",
        "nationalities": ["FR"],
        "languages": ["nl"],
        "no_banking_ban": "no",
        "stage": "company",
        "company_created_on": "2010-01-01",
        "eligible_share_percent": "30",
    }
    html = client.get(
        f"/calls/{call.reference}/self-check", query_string=query, headers=EN
    ).get_data(as_text=True)
    assert "You do not seem eligible." in html
    for reason in (
        "Born Jan 1, 2015",
        "Nationality France: the call accepts Belgium, Morocco.",
        "Speaks Dutch",
        "banking ban",
        "Company created Jan 1, 2010",
        "30% of the capital",
    ):
        assert reason in html


def test_bad_answers_get_messages_not_a_500(client, make_call):
    call = make_call("MBI-2026")
    html = client.get(
        f"/calls/{call.reference}/self-check",
        query_string={"birth_date": "3000-01-01", "eligible_share_percent": "150"},
        headers=EN,
    ).get_data(as_text=True)
    assert "cannot be in the future" in html and "percentage between 0 and 100" in html


def test_an_unknown_call_is_404(client):
    assert client.get("/calls/NOPE/self-check").status_code == 404
