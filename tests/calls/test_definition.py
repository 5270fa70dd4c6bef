"""A call's definition exported to JSON and imported as a new call (docs/call-definition.md):
the round trip gives the same file, through the service, the CLI and the pages; each
invalid file is refused with its path and creates nothing."""

from __future__ import annotations

import copy
import html
import io
import json
from datetime import UTC, datetime

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from app.application_forms.models import FormVersion
from app.application_forms.services import save_form
from app.application_forms.versions import call_form, current_definition
from app.audit.models import AuditEvent
from app.auth.models import Role
from app.calls.definition import (
    DefinitionRefused,
    default_dates,
    definition_json,
    export_definition,
    import_definition,
)
from app.calls.models import Call, Criterion
from app.common.clock import to_brussels
from app.eligibility.rule_sets import rules_from_parameters
from app.events import Event
from app.extensions import db


@pytest.fixture
def staff(make_user):
    return make_user(Role.STAFF)


@pytest.fixture
def shaped_call(make_call, staff):
    """A call whose form, rules, wording, selection rules and texts are its own."""
    call = make_call(
        "MBI-2026",
        name="Impulse 2026",
        quota=12,
        ranking_method="normalised",
        letter_signatory_name="A. Coordinator",
        translations={"nl": {"description": "Een oproep."}},
        faq=[{"question": "Q?", "answer": "A.", "translations": {"ar": {"question": "س؟"}}}],
        tie_breaks=[{"kind": "criterion_mean", "criterion": 2}, {"kind": "lower_std"}],
        balance_rules=[{"attribute": "track", "value": "green", "kind": "at_least", "count": 3}],
        wording={"selected": {"fr": {"letter": "Bravo {{ applicant_name }} ({{ rank }})."}}},
    )
    call.criteria[0].translations = {"nl": {"name": "Team (nl)"}}
    form = copy.deepcopy(current_definition(call))
    form["steps"][0]["title"] = {"en": "About you", "fr": "À propos de vous"}
    form["steps"][0]["questions"].append(
        {
            "name": "track",
            "type": "one_choice",
            "label": {"en": "Track"},
            "choices": [{"value": "green", "label": "Green"}, {"value": "digital", "label": "IT"}],
        }
    )
    save_form(call, form, actor=staff)
    rules = rules_from_parameters({"minimum_age": 21}, call_form(call))
    rules["rules"].append(
        {
            "name": "track_chosen",
            "title": {"fr": "Filière", "en": "Track"},
            "when_failed": "needs_information",
            "condition": {"op": "one_of", "question": "track", "values": ["green", "digital"]},
            "reasons": {
                "passed": {"fr": "Filière choisie.", "en": "Track chosen."},
                "failed": {"fr": "Filière inconnue.", "en": "Unknown track."},
                "missing": {"fr": "Choisissez une filière.", "en": "Choose a track."},
            },
        }
    )
    call.eligibility_rules = rules
    db.session.commit()
    return call


def _counts() -> tuple[int, int, int]:
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Call, Criterion, FormVersion)
    )


def test_export_then_import_then_export_gives_the_same_file(shaped_call, staff):
    exported = definition_json(shaped_call)
    copied = import_definition(json.loads(exported), reference="MBI-2027", actor=staff)
    db.session.commit()
    assert definition_json(copied) == exported
    assert copied.form_version_id and copied.form_version_id != shaped_call.form_version_id
    assert copied.eligibility_rules == shaped_call.eligibility_rules
    assert [c.name for c in copied.criteria] == [c.name for c in shaped_call.criteria]
    assert copied.wording == shaped_call.wording
    assert copied.last_application_number == 0


def test_a_call_on_the_default_form_and_rules_stays_on_them(make_call, staff):
    call = make_call("PLAIN-2026")
    data = export_definition(call)
    assert data["eligibility"]["rules"] is None and data["schema"] == 1
    copied = import_definition(data, reference="PLAIN-2027", actor=staff)
    assert copied.form_version_id is None and copied.eligibility_rules is None
    assert export_definition(copied) == data


def test_without_dates_an_import_opens_in_30_days_for_60_days(make_call, staff):
    now = datetime(2026, 3, 10, 12, tzinfo=UTC)
    opens, closes = default_dates(now)
    assert to_brussels(opens).strftime("%Y-%m-%d %H:%M") == "2026-04-09 09:00"
    assert to_brussels(closes).strftime("%Y-%m-%d %H:%M") == "2026-06-08 17:00"
    copied = import_definition(export_definition(make_call()), reference="NEXT-1", actor=staff)
    assert copied.closes_at > copied.opens_at


def test_the_audit_row_says_what_the_call_was_made_from(shaped_call, staff):
    copied = import_definition(
        export_definition(shaped_call),
        reference="MBI-2027",
        name="Impulse 2027",
        source={"copied_from": "MBI-2026"},
        actor=staff,
    )
    db.session.commit()
    row = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.event == Event.CALL_CREATED, AuditEvent.call_id == copied.id
        )
    )
    assert row.actor_id == staff.id
    assert row.data == {"reference": "MBI-2027", "name": "Impulse 2027", "copied_from": "MBI-2026"}
    form_rows = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.event == Event.FORM_EDITED, AuditEvent.call_id == copied.id
        )
    ).all()
    assert len(form_rows) == 1


# Invalid files -------------------------------------------------------------------------


def _wrong_schema(data):
    data["schema"] = 2


def _unknown_type(data):
    data["form"]["steps"][0]["questions"][0]["type"] = "colour"


def _rule_on_missing_question(data):
    data["eligibility"]["rules"][0]["condition"]["question"] = "birthdate"


def _weights(data):
    data["criteria"][0]["weight"] += 5


def _no_criteria(data):
    data["criteria"] = None


def _unknown_key(data):
    data["settings"]["quorum"] = 3


def _bad_wording(data):
    data["wording"]["selected"]["fr"]["letter"] = "Bravo {{ applicant.password }}"


INVALID = {
    "wrong schema version": (_wrong_schema, "schema"),
    "unknown question type": (_unknown_type, "form.steps[0].questions[0].type"),
    "rule on a missing question": (
        _rule_on_missing_question,
        "eligibility.rules[0].condition.question",
    ),
    "criteria not summing to 100": (_weights, "criteria"),
    "criteria left null": (_no_criteria, "criteria"),
    "unknown setting": (_unknown_key, "settings.quorum"),
    "wording with a forbidden construct": (_bad_wording, "wording.selected.fr.letter"),
}


def _broken(call, change) -> str:
    data = export_definition(call)
    change(data)
    return json.dumps(data)


@pytest.mark.parametrize("kind", INVALID)
def test_an_invalid_definition_names_its_path_and_creates_nothing(shaped_call, staff, kind):
    change, path = INVALID[kind]
    before = _counts()
    with pytest.raises(DefinitionRefused) as refused:
        import_definition(
            json.loads(_broken(shaped_call, change)), reference="MBI-2027", actor=staff
        )
    db.session.rollback()
    assert path in [where for where, _what in refused.value.problems]
    assert _counts() == before


def test_a_taken_reference_is_refused(shaped_call, staff):
    with force_locale("en"), pytest.raises(DefinitionRefused) as refused:
        import_definition(export_definition(shaped_call), reference="MBI-2026", actor=staff)
    assert refused.value.problems == [("reference", "MBI-2026 is the reference of another call")]


# The command line ----------------------------------------------------------------------


def test_the_cli_round_trip(shaped_call, runner, tmp_path):
    exported = runner.invoke(args=["calls", "export", "--call", "MBI-2026"])
    assert exported.exit_code == 0, exported.output
    assert exported.output == definition_json(shaped_call)
    path = tmp_path / "mbi.json"
    path.write_text(exported.output, encoding="utf-8")
    args = ["calls", "import", str(path), "--reference", "MBI-2027", "--name", "Impulse 2027"]
    dates = ["--opens", "2027-01-15 09:00", "--closes", "2027-03-31 23:59"]
    created = runner.invoke(args=args + dates)
    assert created.exit_code == 0, created.output
    assert "Call MBI-2027 created (Impulse 2027)" in created.output
    copied = db.session.scalar(select(Call).where(Call.reference == "MBI-2027"))
    assert to_brussels(copied.opens_at).strftime("%Y-%m-%d %H:%M") == "2027-01-15 09:00"
    assert to_brussels(copied.closes_at).strftime("%Y-%m-%d %H:%M") == "2027-03-31 23:59"
    again = runner.invoke(args=["calls", "export", "--call", "MBI-2027"])
    assert again.output == exported.output.replace('"Impulse 2026"', '"Impulse 2027"', 1)
    row = db.session.scalar(select(AuditEvent).where(AuditEvent.call_id == copied.id))
    assert row.actor_id is None and row.data["imported_from"] == "mbi.json"


CLI_INVALID = {
    kind: (lambda call, change=change: _broken(call, change), path)
    for kind, (change, path) in INVALID.items()
} | {"bad JSON": (lambda call: '{"schema": 1,', "(file)")}


@pytest.mark.parametrize("kind", CLI_INVALID)
def test_the_cli_refuses_an_invalid_file(shaped_call, runner, tmp_path, kind):
    text, path = CLI_INVALID[kind]
    file = tmp_path / "call.json"
    file.write_text(text(shaped_call), encoding="utf-8")
    before = _counts()
    result = runner.invoke(args=["calls", "import", str(file), "--reference", "MBI-2027"])
    assert result.exit_code == 1
    assert f"\n{path}: " in f"\n{result.stderr}"
    assert _counts() == before


def test_the_cli_refuses_a_taken_reference(shaped_call, runner, tmp_path):
    file = tmp_path / "call.json"
    file.write_text(definition_json(shaped_call), encoding="utf-8")
    result = runner.invoke(args=["calls", "import", str(file), "--reference", "MBI-2026"])
    assert result.exit_code == 1
    assert "reference: MBI-2026 is the reference of another call" in result.stderr


# The pages ------------------------------------------------------------------------------


def test_the_call_page_offers_the_export_and_the_copy(client, login_as, staff, shaped_call):
    login_as(staff)
    page = client.get(f"/staff/calls/{shaped_call.id}").get_data(as_text=True)
    assert f"/staff/calls/{shaped_call.id}/definition.json" in page
    assert f"/staff/calls/{shaped_call.id}/copy" in page
    assert "/staff/calls/import" in client.get("/staff/calls").get_data(as_text=True)
    download = client.get(f"/staff/calls/{shaped_call.id}/definition.json")
    assert download.mimetype == "application/json"
    assert 'filename="MBI-2026.json"' in download.headers["Content-Disposition"]
    assert download.get_data(as_text=True) == definition_json(shaped_call)


def test_new_call_from_this_one(client, login_as, staff, shaped_call):
    login_as(staff)
    form = client.get(f"/staff/calls/{shaped_call.id}/copy").get_data(as_text=True)
    assert 'value="MBI-2027"' in form and 'value="Impulse 2027"' in form
    response = client.post(
        f"/staff/calls/{shaped_call.id}/copy",
        data={
            "reference": "MBI-2027",
            "name": "Impulse 2027",
            "opens_at": "2027-01-15T09:00",
            "closes_at": "2027-03-31T23:59",
        },
    )
    copied = db.session.scalar(select(Call).where(Call.reference == "MBI-2027"))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/staff/calls/{copied.id}")
    assert export_definition(copied) == export_definition(shaped_call) | {"name": "Impulse 2027"}
    assert to_brussels(copied.opens_at).strftime("%Y-%m-%d %H:%M") == "2027-01-15 09:00"
    row = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.call_id == copied.id, AuditEvent.event == Event.CALL_CREATED
        )
    )
    assert row.actor_id == staff.id and row.data["copied_from"] == "MBI-2026"


def test_a_copy_under_a_taken_reference_is_refused(client, login_as, staff, shaped_call):
    login_as(staff)
    before = _counts()
    response = client.post(
        f"/staff/calls/{shaped_call.id}/copy",
        data={
            "reference": "MBI-2026",
            "name": "Again",
            "opens_at": "2027-01-15T09:00",
            "closes_at": "2027-03-31T23:59",
        },
    )
    assert response.status_code == 422
    assert "MBI-2026 is the reference of another call" in response.get_data(as_text=True)
    assert _counts() == before


def _upload(client, text: str, reference: str = "MBI-2027"):
    return client.post(
        "/staff/calls/import",
        data={
            "file": (io.BytesIO(text.encode()), "mbi.json"),
            "reference": reference,
            "name": "",
            "opens_at": "2027-01-15T09:00",
            "closes_at": "2027-03-31T23:59",
        },
        content_type="multipart/form-data",
    )


def test_importing_a_file_from_the_calls_list(client, login_as, staff, shaped_call):
    login_as(staff)
    assert client.get("/staff/calls/import").status_code == 200
    response = _upload(client, definition_json(shaped_call))
    assert response.status_code == 302
    copied = db.session.scalar(select(Call).where(Call.reference == "MBI-2027"))
    assert definition_json(copied) == definition_json(shaped_call)
    row = db.session.scalar(select(AuditEvent).where(AuditEvent.call_id == copied.id))
    assert row.data["imported_from"] == "mbi.json"


@pytest.mark.parametrize("kind", [*CLI_INVALID, "taken reference"])
def test_the_import_page_lists_each_problem_and_creates_nothing(
    client, login_as, staff, shaped_call, kind
):
    login_as(staff)
    if kind == "taken reference":
        text, path, reference = definition_json(shaped_call), "reference", "MBI-2026"
    else:
        build, path = CLI_INVALID[kind]
        text, reference = build(shaped_call), "MBI-2027"
    before = _counts()
    response = _upload(client, text, reference)
    assert response.status_code == 422
    assert f"<code>{path}</code>" in response.get_data(as_text=True)
    assert _counts() == before


def test_the_import_page_names_each_problem_in_the_staff_members_language(
    client, login_as, make_user, shaped_call
):
    login_as(make_user(Role.STAFF, locale="fr"))

    def broken(data):
        _rule_on_missing_question(data)
        _weights(data)
        _unknown_key(data)

    before = _counts()
    response = _upload(client, _broken(shaped_call, broken))
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    assert 'lang="fr"' in page
    assert "Rien n’a été créé" in page
    assert "<code>settings.quorum</code>: clé inconnue 'quorum'" in page
    assert (
        "<code>criteria</code>: les pondérations totalisent 105 ; elles doivent totaliser 100"
        in page
    )
    assert (
        "<code>eligibility.rules[0].condition.question</code>: "
        "aucune question ne s’appelle 'birthdate'" in page
    )
    assert "unknown key" not in page and "no question named" not in page
    assert _counts() == before


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.JUROR, Role.CHAIR, Role.COACH])
def test_only_staff_reach_these_pages(client, login_as, make_user, shaped_call, role):
    login_as(make_user(role))
    for path in (
        f"/staff/calls/{shaped_call.id}/definition.json",
        f"/staff/calls/{shaped_call.id}/copy",
        "/staff/calls/import",
    ):
        assert client.get(path).status_code == 404
    assert _upload(client, definition_json(shaped_call)).status_code == 404
    assert db.session.scalar(select(Call).where(Call.reference == "MBI-2027")) is None
