"""The one kind of error a service raises to refuse an operation.

Every area's error (AccountError, CallError, ApplicationError, DocumentError,
InfoSessionError, JuryError, ScoringError...) is a :class:`Refusal`: its message is
written for the user, in their language, and the caller rolls the change back.
"""


class Refusal(Exception):
    """A refused operation; ``str(error)`` is the message to show the user."""
