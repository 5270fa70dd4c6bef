"""Reading a form definition: every problem named by its path, or the form.

:func:`read_form` checks the whole definition first and refuses it with every problem
named by its path in the file ("form.steps[1].questions[3].show_if.question: 'stage'
is not asked before this question"): a form that would break is never used. Each problem
is written in the reader's language (in English outside a request); what staff typed (a
type, a key, a value) is quoted as typed.
"""

from __future__ import annotations

from flask_babel import gettext as _

from app.application_forms.definition import (
    CHOICE_TYPES,
    LANGUAGES,
    REFERENCE_LISTS,
    TYPES,
    Breakdown,
    Condition,
    DocumentRequest,
    Form,
    Question,
    Step,
    Text,
)
from app.application_forms.prefill import read_prefill
from app.common.problems import (
    expected_either,
    expected_keys,
    expected_one_of,
    listed,
    not_a_choice,
    shown,
    unknown_language,
)
from app.documents.requirements import DOCUMENT_KINDS

#: Marks a question may carry (only one question of a form each), with the type it needs.
MARKS = {"title": "short_text", "birth_date": "date"}


class DefinitionError(ValueError):
    """A definition that cannot be used; ``problems`` are (path, what is wrong) pairs,
    what is wrong in the reader's language."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{path}: {what}" for path, what in problems))


class _Reader:
    """Reads one form definition, noting each problem with its path instead of stopping."""

    def __init__(self):
        self.problems: list[tuple[str, str]] = []
        #: The question carrying each mark of MARKS.
        self.marked: dict[str, str] = {}

    def problem(self, path: str, what: str) -> None:
        self.problems.append((path, what))

    def text(self, value, path: str, default: str, required: bool = True) -> Text | None:
        if value is None or value == {} or value == "":
            if required:
                self.problem(path, _("expected a non-empty text"))
            return None
        if isinstance(value, str):
            return Text.of(value, default)
        if not isinstance(value, dict):
            example = '{"fr": ..., "en": ...}'
            self.problem(
                path, _("expected a text, or texts by language: %(example)s", example=example)
            )
            return None
        for language, text in value.items():
            if language not in LANGUAGES:
                self.problem(f"{path}.{language}", unknown_language(language, LANGUAGES))
            elif not isinstance(text, str):
                self.problem(f"{path}.{language}", _("expected a text"))
        if not any(isinstance(text, str) and text.strip() for text in value.values()):
            self.problem(path, _("expected a non-empty text"))
        return Text.of({k: v for k, v in value.items() if isinstance(v, str)}, default)

    def number(self, spec: dict, key: str, path: str) -> int | None:
        value = spec.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(f"{path}.{key}", _("expected a whole number"))
            return None
        return value

    def form(self, data) -> Form:
        if not isinstance(data, dict):
            self.problem("form", expected_keys(("steps",)))
            return Form(())
        default = data.get("default_language", "en")
        if default not in LANGUAGES:
            self.problem("form.default_language", expected_one_of(LANGUAGES))
            default = "en"
        steps_data = data.get("steps")
        if not isinstance(steps_data, list) or not steps_data:
            self.problem("form.steps", _("expected a non-empty list of steps"))
            return Form((), default)
        steps, slugs, asked = [], set(), {}
        for index, step_data in enumerate(steps_data):
            step = self.step(step_data, f"form.steps[{index}]", default, slugs, asked)
            if step is not None:
                steps.append(step)
        documents = self.documents(data.get("documents"), asked)
        if documents and not any(step.documents for step in steps):
            self.problem(
                "form.documents",
                _("no step uploads them: mark one with %(mark)s", mark='"documents": true'),
            )
        return Form(tuple(steps), default, documents)

    def documents(self, data, asked: dict) -> tuple[DocumentRequest, ...]:
        if data is None:
            return ()
        if not isinstance(data, list):
            example = '{"kind": ...}'
            self.problem("form.documents", _("expected a list of %(example)s", example=example))
            return ()
        requests, kinds = [], set()
        for index, item in enumerate(data):
            path = f"form.documents[{index}]"
            kind = item.get("kind") if isinstance(item, dict) else None
            if kind not in DOCUMENT_KINDS:
                known = listed(DOCUMENT_KINDS)
                self.problem(
                    f"{path}.kind",
                    _("unknown kind %(kind)s (one of %(known)s)", kind=shown(kind), known=known),
                )
                continue
            if kind in kinds:
                self.problem(f"{path}.kind", _("%(value)s is listed twice", value=shown(kind)))
            kinds.add(kind)
            if not isinstance(item.get("required", True), bool):
                self.problem(f"{path}.required", expected_either("true", "false"))
            condition = self.condition(item.get("show_if"), f"{path}.show_if", asked, anywhere=True)
            required = item.get("required", True) is not False
            requests.append(DocumentRequest(kind, required, condition))
        return tuple(requests)

    def step(self, data, path: str, default: str, slugs: set, asked: dict) -> Step | None:
        if not isinstance(data, dict):
            self.problem(path, expected_keys(("slug", "title", "questions")))
            return None
        slug = data.get("slug")
        if not isinstance(slug, str) or not slug.isidentifier():
            self.problem(f"{path}.slug", _("expected a name of letters, digits and _"))
        elif slug in slugs:
            self.problem(f"{path}.slug", _("%(name)s names another step too", name=shown(slug)))
        slugs.add(slug)
        title = self.text(data.get("title"), f"{path}.title", default)
        intro = self.text(data.get("intro"), f"{path}.intro", default, required=False)
        questions = []
        for index, question_data in enumerate(data.get("questions") or []):
            question = self.question(question_data, f"{path}.questions[{index}]", default, asked)
            if question is not None:
                questions.append(question)
        return Step(slug, title, intro or "", tuple(questions), bool(data.get("documents")))

    def question(self, data, path: str, default: str, asked: dict) -> Question | None:
        if not isinstance(data, dict):
            self.problem(path, expected_keys(("name", "type", "label")))
            return None
        name = data.get("name")
        if not isinstance(name, str) or not name.isidentifier():
            self.problem(f"{path}.name", _("expected a name of letters, digits and _"))
            name = None
        elif name in asked:
            self.problem(f"{path}.name", _("%(name)s names another question too", name=shown(name)))
        type_ = data.get("type")
        if type_ not in TYPES:
            self.problem(
                f"{path}.type",
                _(
                    "unknown type %(type)s (one of %(known)s)",
                    type=shown(type_),
                    known=listed(TYPES),
                ),
            )
        choices, choices_from = self.choices(data, type_, path, default)
        condition = self.condition(data.get("show_if"), f"{path}.show_if", asked)
        minimum, maximum = self.number(data, "minimum", path), self.number(data, "maximum", path)
        if type_ == "percentage":
            minimum = 0 if minimum is None else minimum
            maximum = 100 if maximum is None else maximum
        if type_ == "amount":
            minimum = 0 if minimum is None else minimum
            maximum = 10**9 if maximum is None else maximum
            if not isinstance(data.get("currency"), str) or len(data["currency"]) != 3:
                self.problem(
                    f"{path}.currency",
                    _("an amount needs its currency (%(examples)s)", examples="EUR, MAD..."),
                )
        if minimum is not None and maximum is not None and minimum > maximum:
            self.problem(f"{path}.maximum", _("the maximum is below the minimum"))
        if data.get("filter") and type_ != "one_choice":
            self.problem(f"{path}.filter", _("only a one-choice question can filter the dossiers"))
        self.marks(data, name, type_, path)
        prefill, problem = read_prefill(data, type_)
        if problem:
            self.problem(f"{path}.prefill", problem)
        max_length = self.number(data, "max_length", path)
        if max_length is not None and max_length < 1:
            self.problem(f"{path}.max_length", _("expected at least %(low)d", low=1))
        question = Question(
            name=name or "",
            label=self.text(data.get("label"), f"{path}.label", default),
            kind=TYPES.get(type_, "text"),
            required=data.get("required", True) is not False,
            condition=condition,
            max_length=max_length,
            minimum=minimum,
            maximum=maximum,
            choices=choices,
            help=self.text(data.get("help"), f"{path}.help", default, required=False),
            when="past" if data.get("not_in_future") else None,
            currency=data.get("currency") if type_ == "amount" else None,
            type=type_ or "",
            choices_from=choices_from,
            filter=data.get("filter") is True,
            breakdown=self.breakdown(data.get("breakdown"), type_, f"{path}.breakdown", default),
            is_title=data.get("title") is True,
            is_birth_date=data.get("birth_date") is True,
            prefill=prefill,
        )
        if name:
            asked[name] = question
        return question

    def marks(self, data: dict, name: str | None, type_, path: str) -> None:
        for mark, needed in MARKS.items():
            if mark not in data:
                continue
            where = f"{path}.{mark}"
            if not isinstance(data[mark], bool):
                self.problem(where, expected_either("true", "false"))
            elif data[mark] and type_ != needed:
                self.problem(
                    where,
                    _(
                        "only a %(type)s question can be marked %(mark)s",
                        type=shown(needed),
                        mark=mark,
                    ),
                )
            elif data[mark] and mark in self.marked:
                self.problem(
                    where,
                    _(
                        "%(name)s is marked %(mark)s already",
                        name=shown(self.marked[mark]),
                        mark=mark,
                    ),
                )
            elif data[mark]:
                self.marked[mark] = name or ""

    def breakdown(self, data, type_, path: str, default: str) -> Breakdown | None:
        if data is None or data is False:
            return None
        if type_ != "one_choice":
            self.problem(path, _("only a one-choice question can be counted on the dashboard"))
            return None
        if data is True:
            return Breakdown()
        if not isinstance(data, dict):
            self.problem(path, expected_either("true", '{"title": ..., "column": ...}'))
            return None
        for key in sorted(set(data) - {"title", "column"}, key=str):
            self.problem(
                f"{path}.{key}",
                _(
                    "unknown key %(key)s (one of %(known)s)",
                    key=shown(key),
                    known=listed(("title", "column")),
                ),
            )
        return Breakdown(
            self.text(data.get("title"), f"{path}.title", default, required=False),
            self.text(data.get("column"), f"{path}.column", default, required=False),
        )

    def choices(self, data: dict, type_, path: str, default: str) -> tuple[tuple, str | None]:
        if type_ not in CHOICE_TYPES:
            if "choices" in data or "choices_from" in data:
                self.problem(
                    f"{path}.choices",
                    _("a %(type)s question has no choices", type=shown(type_)),
                )
            return (), None
        if "choices_from" in data:
            source = data["choices_from"]
            if source not in REFERENCE_LISTS:
                self.problem(
                    f"{path}.choices_from",
                    _(
                        "unknown list %(list)s (one of %(known)s)",
                        list=shown(source),
                        known=listed(REFERENCE_LISTS),
                    ),
                )
                return (), None
            return REFERENCE_LISTS[source], source
        given = data.get("choices")
        if not isinstance(given, list) or not given:
            self.problem(f"{path}.choices", _("a choice question needs at least one choice"))
            return (), None
        choices, values = [], set()
        for index, choice in enumerate(given):
            where = f"{path}.choices[{index}]"
            value = choice.get("value") if isinstance(choice, dict) else None
            if not isinstance(value, str) or not value:
                self.problem(f"{where}.value", _("expected a non-empty text"))
                continue
            if value in values:
                self.problem(f"{where}.value", _("%(value)s is listed twice", value=shown(value)))
            values.add(value)
            choices.append((value, self.text(choice.get("label"), f"{where}.label", default)))
        return tuple(choices), None

    def condition(self, data, path: str, asked: dict, anywhere=False) -> Condition | None:
        """The condition ``data`` on a question ``asked`` (before this question; with
        ``anywhere``, anywhere in the form)."""
        if data is None:
            return None
        if not isinstance(data, dict) or not isinstance(data.get("question"), str):
            self.problem(
                path,
                expected_either(
                    '{"question": ..., "equals": ...}', '{"question": ..., "one_of": [...]}'
                ),
            )
            return None
        name = data["question"]
        if name not in asked:
            if anywhere:
                message = _("%(name)s is not a question of this form", name=shown(name))
            else:
                message = _("%(name)s is not asked before this question", name=shown(name))
            self.problem(f"{path}.question", message)
            return None
        if "equals" in data:
            values = (data["equals"],)
        elif isinstance(data.get("one_of"), list) and data["one_of"]:
            values = tuple(data["one_of"])
        else:
            self.problem(
                path,
                _(
                    "say which answers: %(equals)s a value, or %(one_of)s a list of values",
                    equals='"equals":',
                    one_of='"one_of":',
                ),
            )
            return None
        controlling = asked[name]
        if controlling.choices:
            known = {value for value, _label in controlling.choices}
            for value in values:
                if value not in known:
                    self.problem(f"{path}.equals", not_a_choice(value, name))
        elif controlling.kind == "boolean":
            if any(not isinstance(value, bool) for value in values):
                self.problem(
                    f"{path}.equals",
                    _(
                        "%(question)s is answered yes (%(yes)s) or no (%(no)s)",
                        question=shown(name),
                        yes="true",
                        no="false",
                    ),
                )
        return Condition(name, values)


def read_form(data) -> Form:
    """The form of ``data`` (the ``form`` part of a call definition); raises
    :class:`DefinitionError` naming every problem when it cannot be used."""
    reader = _Reader()
    form = reader.form(data)
    if reader.problems:
        raise DefinitionError(reader.problems)
    return form


def form_problems(data) -> list[tuple[str, str]]:
    """Every problem of a form definition, with its path: empty when it can be used."""
    reader = _Reader()
    reader.form(data)
    return reader.problems
