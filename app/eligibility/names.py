"""The values a reason cites, written for its reader: names, not codes.

A rule keeps the codes it judged ("BE, MA", "ar, fr", "identity, cv"), so that a stored
result reads in any language later. When a reason is shown, each value is written by
the type of the question it came from (:func:`readable_values`):

- a question whose choices come from the ``languages`` reference list: language names
  from Babel's locale data (``Locale.languages``): "arabe, français", "Arabic, French";
- a question whose choices come from the ``countries`` reference list, or are countries
  (every value an ISO 3166 code that CLDR knows, but for one catch-all such as ``OTHER``):
  country names (``Locale.territories``):
  "Belgique, Maroc", "بلجيكا, المغرب";
- another question with its own choices: the choice's label in the reader's language
  (the other reference lists, regions and NACE sections, are cited by their codes);
- the documents a rule finds missing: the names of their kinds.

A list is written in the order of its names ("Belgique, Maroc"), with the language's comma.

Anything else (numbers, dates, free answers) is left as it is.
"""

from __future__ import annotations

import re
from functools import cache

from babel import Locale, UnknownLocaleError

from app.application_forms.definition import Question
from app.documents.wording import KIND_LABELS
from app.eligibility.operators import COMPOSITES

#: The values an operator takes from the answer to its question (or the rule's list of
#: accepted ones, which are values of the same question).
ANSWER_VALUES = ("answer", "value", "held", "values", "common")
TERRITORY = re.compile(r"[A-Z]{2}")
#: How a joined list of values is stored (app.eligibility.operators._joined)...
SEPARATOR = ", "
#: ... and written, by language (Arabic has its own comma).
SEPARATORS = {"ar": "، "}


def cited_questions(rule: dict) -> dict[str, str]:
    """``{cited name: question}``: the question each value the rule may cite comes from
    (the first condition citing a name gives it, as when the rule is judged), and
    ``"missing": "documents"`` for the documents it checks."""
    found: dict[str, str] = {}

    def walk(node: dict) -> None:
        for name in COMPOSITES:
            for child in node.get(name, []):
                walk(child)
        renamed = node.get("cite_as", {})
        if node.get("op") == "document_present":
            found.setdefault(renamed.get("missing", "missing"), "documents")
        elif "question" in node:
            for value in ANSWER_VALUES:
                found.setdefault(renamed.get(value, value), node["question"])

    walk(rule["condition"])
    return found


def readable_values(
    rule: dict | None, values: dict, questions: dict[str, Question], language: str
) -> dict:
    """``values`` of a result of ``rule`` with each code written as a name in
    ``language`` (see the module docstring); the other values as they are."""
    if rule is None:
        return values
    sources = cited_questions(rule)
    readable = dict(values)
    for name, value in values.items():
        source = sources.get(name)
        if not isinstance(value, str) or not value or source is None:
            continue
        if source == "documents":
            write = _document_name
        elif source in questions:
            write = _writer(questions[source], language)
        else:
            continue
        names = sorted((write(code) for code in value.split(SEPARATOR)), key=str.casefold)
        readable[name] = SEPARATORS.get(language, SEPARATOR).join(names)
    return readable


def _document_name(kind: str) -> str:
    label = KIND_LABELS.get(kind)
    return str(label) if label is not None else kind


def _writer(question: Question, language: str):
    """How the values of ``question`` are written in ``language``."""
    names = _locale(language)
    labels = {str(value): label for value, label in question.choices}
    if question.choices_from == "languages":
        return lambda code: names.languages.get(code, code) if names else code
    countries = question.choices_from == "countries" or (
        not question.choices_from and _are_countries(labels)
    )
    if names is not None and countries:
        return lambda code: names.territories.get(code) or _label(labels, code, language)
    if question.choices_from:  # regions and sectors: one wording for every language
        return lambda code: code
    return lambda code: _label(labels, code, language)


def _label(labels: dict, code: str, language: str) -> str:
    label = labels.get(code)
    if label is None:
        return code
    return label.in_language(language) if hasattr(label, "in_language") else str(label)


def _are_countries(labels: dict) -> bool:
    """Every choice is a country known to CLDR, but for at most one catch-all."""
    known = _locale("en").territories
    countries = [code for code in labels if TERRITORY.fullmatch(code) and code in known]
    return len(countries) >= 2 and len(labels) - len(countries) <= 1


@cache
def _locale(language: str) -> Locale | None:
    try:
        return Locale.parse(language)
    except (ValueError, UnknownLocaleError):
        return None
