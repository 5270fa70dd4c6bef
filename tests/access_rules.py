"""Vocabulary of the route x role tables (tests/<area>/access.py, read by tests/test_access.py).

Answers: 200 (allowed page), 302 (allowed action, or a redirect by design),
"login" (anonymous sent to the login page), 404 (not allowed: nobody learns what exists).
Roles: anonymous; owner (the applicant who owns the world's application); applicant
(another applicant); staff; juror (assigned to the application, no conflict);
conflicted (a juror assigned but in conflict); chair; coach (follows the owner's project
in coaching, see tests/coaching/access.py); other_coach (a coach who does not follow it).
"""

ROLES = [
    "anonymous",
    "owner",
    "applicant",
    "staff",
    "juror",
    "conflicted",
    "chair",
    "coach",
    "other_coach",
]
SIGNED_IN = ROLES[1:]
STAFF = {"staff"}
APPLICANTS = {"owner", "applicant"}


def only(allowed, ok=200, other=404):
    """``ok`` for the roles in ``allowed``, ``other`` for the rest, login for anonymous."""
    return {role: ok if role in allowed else other for role in SIGNED_IN} | {"anonymous": "login"}


def everyone(answer):
    return {role: answer for role in ROLES}
