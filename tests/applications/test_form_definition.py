"""The application form is data: MBI's comes from its shipped template, any other form
is checked before use with each problem named by its path, and texts read in the
reader's language."""

import copy

import pytest
from flask_babel import force_locale

from app.application_forms.definition import Text
from app.application_forms.reader import DefinitionError, form_problems, read_form
from app.application_forms.versions import default_form
from app.applications.questions import call_template, shown_on_step
from app.auth.models import Role
from tests.conftest import PASSWORD

LANGUAGES = {"en", "fr", "nl", "ar"}
QUESTIONS = default_form().questions


def _texts(form: dict):
    """Every translatable text of a form definition, with where it stands."""
    for s, step in enumerate(form["steps"]):
        yield f"steps[{s}].title", step["title"]
        yield f"steps[{s}].intro", step["intro"]
        for q, question in enumerate(step.get("questions", [])):
            for key in ("label", "help"):
                if key in question:
                    yield f"steps[{s}].questions[{q}].{key}", question[key]
            for c, choice in enumerate(question.get("choices", [])):
                if not isinstance(choice["label"], str):  # "SARL" is the same in every language
                    yield f"steps[{s}].questions[{q}].choices[{c}]", choice["label"]


def test_mbi_form_is_read_from_its_template_in_four_languages():
    form = call_template("mbi")["form"]
    assert form_problems(form) == []
    missing = [
        (path, LANGUAGES - {lang for lang, text in value.items() if text.strip()})
        for path, value in _texts(form)
        if LANGUAGES - {lang for lang, text in value.items() if text.strip()}
    ]
    assert missing == []
    assert [step["slug"] for step in form["steps"]] == [
        "applicant",
        "project",
        "economics",
        "impact",
        "documents",
        "declarations",
    ]
    assert len(QUESTIONS) == 37


def test_texts_read_in_the_readers_language_with_the_default_as_fallback(app):
    label = QUESTIONS["birth_date"].label
    with app.test_request_context():
        with force_locale("fr"):
            assert str(label) == "Date de naissance"
        with force_locale("ar"):
            assert str(label) == "تاريخ الازدياد"
    partial = Text.of({"fr": "Chiffre d'affaires", "en": "Turnover"}, default="fr")
    with app.test_request_context(), force_locale("nl"):
        assert str(partial) == "Chiffre d'affaires"


def _small_form():
    return {
        "default_language": "en",
        "steps": [
            {
                "slug": "about",
                "title": {"en": "About", "ar": "عنكم"},
                "questions": [
                    {
                        "name": "kind",
                        "type": "one_choice",
                        "label": "Kind",
                        "choices": [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}],
                    },
                    {
                        "name": "detail",
                        "type": "short_text",
                        "label": "Detail",
                        "show_if": {"question": "kind", "equals": "b"},
                    },
                ],
            },
            {
                "slug": "more",
                "title": "More",
                "questions": [
                    {
                        "name": "later",
                        "type": "amount",
                        "currency": "EUR",
                        "label": "Later",
                        "show_if": {"question": "kind", "equals": "a"},
                    }
                ],
            },
        ],
    }


def test_a_condition_on_another_step_hides_the_question_until_it_holds():
    form = read_form(_small_form())
    about, more = form.steps
    assert [q.name for q in shown_on_step(about, {"kind": "a"})] == ["kind", "detail"]
    assert shown_on_step(more, {"kind": "b"}) == []
    assert [q.name for q in shown_on_step(more, {"kind": "a"})] == ["later"]
    assert more.questions[0].minimum == 0 and more.questions[0].currency == "EUR"


@pytest.mark.parametrize(
    ("change", "path", "words"),
    [
        (
            lambda f: f["steps"][1]["questions"].append(dict(f["steps"][0]["questions"][0])),
            "form.steps[1].questions[1].name",
            "'kind' names another question too",
        ),
        (
            lambda f: f["steps"][0]["questions"][0].update(
                show_if={"question": "later", "equals": 1}
            ),
            "form.steps[0].questions[0].show_if.question",
            "'later' is not asked before this question",
        ),
        (
            lambda f: f["steps"][0]["questions"][0].update(choices=[]),
            "form.steps[0].questions[0].choices",
            "at least one choice",
        ),
        (
            lambda f: f["steps"][0]["questions"][1].update(type="python"),
            "form.steps[0].questions[1].type",
            "unknown type 'python'",
        ),
        (
            lambda f: f["steps"][0]["title"].update(de="Über"),
            "form.steps[0].title.de",
            "unknown language",
        ),
        (
            lambda f: f["steps"][1]["questions"][0].pop("currency"),
            "form.steps[1].questions[0].currency",
            "needs its currency",
        ),
        (
            lambda f: f["steps"][0]["questions"][1].update(
                show_if={"question": "kind", "equals": "c"}
            ),
            "form.steps[0].questions[1].show_if.equals",
            "'c' is not a choice of 'kind'",
        ),
        (
            lambda f: f["steps"][0]["questions"][0].update(choices_from="planets"),
            "form.steps[0].questions[0].choices_from",
            "unknown list 'planets'",
        ),
        (
            lambda f: f["steps"][1].update(slug="about"),
            "form.steps[1].slug",
            "'about' names another step too",
        ),
        (
            lambda f: f["steps"][1]["questions"][0].update(minimum=10, maximum=5),
            "form.steps[1].questions[0].maximum",
            "below the minimum",
        ),
        (
            lambda f: f["steps"][0]["questions"][1].update(label={"en": " "}),
            "form.steps[0].questions[1].label",
            "expected a non-empty text",
        ),
    ],
)
def test_a_form_that_would_break_is_refused_with_each_problem_and_its_path(change, path, words):
    definition = copy.deepcopy(_small_form())
    change(definition)
    with pytest.raises(DefinitionError) as refused:
        read_form(definition)
    assert any(where == path and words in what for where, what in refused.value.problems), (
        refused.value.problems
    )


def test_every_problem_is_named_at_once():
    definition = copy.deepcopy(_small_form())
    definition["steps"][0]["questions"][1]["type"] = "python"
    definition["steps"][1]["questions"][0].pop("currency")
    assert [path for path, _ in form_problems(definition)] == [
        "form.steps[0].questions[1].type",
        "form.steps[1].questions[0].currency",
    ]


def test_a_step_says_in_the_readers_language_when_its_questions_apply(
    client, make_application, make_user
):
    applicant = make_user(Role.APPLICANT, locale="fr")
    application = make_application("draft", applicant=applicant)
    client.post("/login", data={"email": applicant.email, "password": PASSWORD})
    page = client.get(f"/applications/{application.id}/steps/project").get_data(as_text=True)
    assert "Uniquement si" in page and "Une entreprise existante" in page
    assert default_form().step_by_slug["project"].questions[5].condition.question == "stage"
    assert 'name="legal_form"' in page
