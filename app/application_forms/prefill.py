"""What an applicant's account already knows, filled in a new application.

A question asked of everyone may carry ``"prefill"``: the name of a fact of the account
(:data:`ACCOUNT_FACTS`) that answers it. app.application_forms.reader checks the mark
(:func:`read_prefill`); ``Form.prefilled_answers`` gives a new draft's first answers
(app.applications.services.start_application).
"""

from __future__ import annotations

from flask_babel import gettext as _

from app.common.problems import listed, shown

#: What an account knows that a question may start from: the fact's name (the account's
#: attribute) and the types of question it can answer.
ACCOUNT_FACTS = {
    "full_name": ("short_text",),
    "email": ("email", "short_text"),
}


def read_prefill(data: dict, type_) -> tuple[str | None, str | None]:
    """The fact a question's ``"prefill"`` names, or what is wrong with it (in the
    reader's language): (fact, None), (None, problem), or (None, None) without the mark."""
    fact = data.get("prefill")
    if fact is None:
        return None, None
    if fact not in ACCOUNT_FACTS:
        return None, _(
            "unknown account fact %(fact)s (one of %(known)s)",
            fact=shown(fact),
            known=listed(ACCOUNT_FACTS),
        )
    if type_ not in ACCOUNT_FACTS[fact]:
        return None, _(
            "only a question of type %(types)s can be filled in with %(fact)s",
            types=listed(shown(known) for known in ACCOUNT_FACTS[fact]),
            fact=fact,
        )
    if data.get("show_if") is not None:
        return None, _("only a question asked of everyone (without show_if)")
    return fact, None
