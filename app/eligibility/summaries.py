"""What a call's eligibility rules ask, said in the reader's language for the public call
page ("Who can apply"), read from the rules themselves: one source, whatever the call.

Each rule gives its title and one sentence per condition it judges ("Date of birth: at
least 18 years old on the closing date", "Nationalities: Morocco or Belgium"); a
condition that applies only sometimes says when ("If Stage is Existing company: ...").
The guards rules use to tell a missing answer from a wrong one (``answered``,
``documents_known``) say nothing to an applicant and are left out.
"""

from __future__ import annotations

from dataclasses import dataclass

from babel.lists import format_list
from flask_babel import format_currency, format_decimal, format_percent, get_locale, gettext

from app.application_forms.definition import Form, Question, reader_language
from app.documents.wording import KIND_LABELS
from app.eligibility.conditions import RuleSet

#: Conditions that only tell a missing answer from a given one.
_GUARDS = {"answered", "documents_known"}


@dataclass(frozen=True)
class RuleSummary:
    title: str
    #: One sentence per condition the rule judges.
    lines: tuple[str, ...]


def rule_summaries(rules: RuleSet, form: Form) -> list[RuleSummary]:
    """Each rule of ``rules`` (those of a call whose form is ``form``), said plainly."""
    language = reader_language(rules.default_language)
    summaries = []
    for rule in rules.rules:
        lines = _Describer(form).lines(rule["condition"])
        if "applies_if" in rule:
            when = _Describer(form, condition=True).phrase(rule["applies_if"])
            if when:
                lines = [
                    gettext("If %(condition)s: %(rule)s", condition=when, rule=line)
                    for line in lines
                ]
        lines = [line[:1].upper() + line[1:] for line in lines]
        summaries.append(RuleSummary(rules.title(rule["name"], language), tuple(lines)))
    return summaries


def _joined(parts: list[str], style: str) -> str:
    """ "A, B and C" (style "standard") or "A, B or C" ("or"), in the reader's language."""
    parts = [part for part in parts if part]
    return format_list(parts, style=style, locale=get_locale()) if parts else ""


def _is_document(node: dict) -> bool:
    return node.get("op") == "document_present" and "applies_if" not in node


class _Describer:
    def __init__(self, form: Form, *, condition: bool = False):
        self.form = form
        #: Said as the condition of something else ("Stage is Existing company").
        self.condition = condition

    def lines(self, node: dict) -> list[str]:
        """One sentence per condition of an ``all`` (the rule's usual shape), else one; the
        documents it asks for together in one."""
        if "all" in node and "applies_if" not in node:
            documents = [part["kind"] for part in node["all"] if _is_document(part)]
            lines = [self.documents(documents)] if documents else []
            for part in node["all"]:
                if not _is_document(part):
                    lines += self.lines(part)
            return lines
        said = self.phrase({key: value for key, value in node.items() if key != "applies_if"})
        when = self.when(node)
        if said and when:
            return [gettext("If %(condition)s: %(rule)s", condition=when, rule=said)]
        return [said] if said else []

    def when(self, node: dict) -> str:
        if "applies_if" not in node:
            return ""
        return _Describer(self.form, condition=True).phrase(node["applies_if"])

    def phrase(self, node: dict) -> str:
        parts = node.get("all") or node.get("any") or []
        if "all" in node and parts and all(_is_document(part) for part in parts):
            said = self.documents([part["kind"] for part in parts])
        elif "all" in node:
            said = _joined([self.phrase(part) for part in parts], "standard")
        elif "any" in node:
            said = [phrase for phrase in (self.phrase(part) for part in parts) if phrase]
            if len(said) > 1:
                said = gettext("either %(choices)s", choices=_joined(said, "or"))
            else:
                said = "".join(said)
        else:
            said = self.leaf(node)
        when = self.when(node)
        if said and when:
            said = gettext("if %(condition)s, %(then)s", condition=when, then=said)
        return said

    def documents(self, kinds: list[str]) -> str:
        named = [str(KIND_LABELS[kind]) if kind in KIND_LABELS else kind for kind in kinds]
        return gettext("Documents: %(documents)s", documents=_joined(named, "standard"))

    def question(self, name: str) -> Question | None:
        return self.form.questions.get(name)

    def label(self, name: str) -> str:
        question = self.question(name)
        return gettext("“%(label)s”", label=question.label if question is not None else name)

    def value(self, name: str, value) -> str:
        """An answer as the applicant chose it: the choice's label, yes or no, an amount."""
        question = self.question(name)
        if isinstance(value, bool):
            return gettext("Yes") if value else gettext("No")
        if question is not None and question.choices:
            labels = {choice: str(label) for choice, label in question.choices}
            return labels.get(value, str(value))
        if question is not None and question.kind == "percent":
            return format_percent(value / 100)
        if question is not None and question.currency:
            return format_currency(value, question.currency)
        if isinstance(value, int | float):
            return format_decimal(value)
        return str(value)

    def listed(self, name: str, values) -> str:
        """ "Morocco or Belgium", in the reader's language."""
        return _joined([self.value(name, value) for value in values], "or")

    def leaf(self, node: dict) -> str:
        op = node.get("op")
        if op in _GUARDS:
            return ""
        if op == "document_present":
            return self.documents([node["kind"]])
        if op == "age_at_closing_at_least":
            return gettext("At least %(years)d years old on the closing date", years=node["years"])
        if op == "years_living_in_at_least":
            return gettext(
                "%(question)s: at least %(years)d of the last %(window)d years, or there now",
                question=self.label(node["since"]),
                years=node["years"],
                window=node["window"],
            )
        name = node.get("question", "")
        if self.condition and op in ("equals", "one_of", "none_of"):
            values = [node["value"]] if op == "equals" else node["values"]
            said = {"question": self.label(name), "values": self.listed(name, values)}
            if op == "none_of":
                return gettext("%(question)s is not %(values)s", **said)
            return gettext("%(question)s is %(values)s", **said)
        sentences = {
            "equals": lambda: gettext(
                "%(question)s: %(value)s",
                value=self.value(name, node["value"]),
                question=self.label(name),
            ),
            "one_of": lambda: gettext(
                "%(question)s: %(values)s",
                values=self.listed(name, node["values"]),
                question=self.label(name),
            ),
            "none_of": lambda: gettext(
                "%(question)s: not %(values)s",
                values=self.listed(name, node["values"]),
                question=self.label(name),
            ),
            "at_least": lambda: gettext(
                "%(question)s: at least %(value)s",
                value=self.value(name, node["value"]),
                question=self.label(name),
            ),
            "at_most": lambda: gettext(
                "%(question)s: at most %(value)s",
                value=self.value(name, node["value"]),
                question=self.label(name),
            ),
            "more_than": lambda: gettext(
                "%(question)s: more than %(value)s",
                value=self.value(name, node["value"]),
                question=self.label(name),
            ),
            "less_than": lambda: gettext(
                "%(question)s: less than %(value)s",
                value=self.value(name, node["value"]),
                question=self.label(name),
            ),
            "years_since_at_most": lambda: gettext(
                "%(question)s: at most %(years)d years ago",
                years=node["years"],
                question=self.label(name),
            ),
            "years_since_less_than": lambda: gettext(
                "%(question)s: less than %(years)d years ago",
                years=node["years"],
                question=self.label(name),
            ),
        }
        return sentences[op]() if op in sentences else ""
