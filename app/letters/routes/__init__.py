"""The letters' pages, one module per audience: the applicant's downloads
(:mod:`.applicant`), the public verification page (:mod:`.public`) and staff's progress,
retries, versions and previews (:mod:`.staff`).

Who may read or manage which letter is the access policy's (app.access.policy:
may_read_letter, may_list_own_letters, may_manage_letters); lists come through its scope
(app.access.scopes.visible_letters, in app.letters.services).
"""

from app.common.urls import external_url
from app.letters import bp
from app.letters.routes import applicant, public, staff  # noqa: F401 - attach the views
from app.letters.wording import OUTCOME_LABELS, STATUS_LABELS


@bp.context_processor
def _labels() -> dict:
    return {"outcome_labels": OUTCOME_LABELS, "letter_status_labels": STATUS_LABELS}


@bp.app_template_global()
def letters_link(application) -> str:
    """The absolute address of an applicant's letters (for emails)."""
    return external_url("letters.applicant_letters", application_id=application.id)
