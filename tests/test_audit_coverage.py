"""Every service function that writes leaves its audit rows, by the right actor.

The list of services is read from the code: every public function of app/ that takes an
``actor`` (the person who acts, or None for the system). Each one is named with the test
of its area that runs it and checks its rows and actor; or it is not a write of its own
(a helper, a check, an eraser that its service announces), with the reason. A new
service that writes cannot escape: it is listed, and this test asks where its audit rows
are checked.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest

import app as package

ROOT = Path(__file__).resolve().parent

#: The test of each area that runs the service and asserts its rows and actor.
CHECKED_IN = {
    "app.application_forms.services.save_form": "workflows/test_audit_rows.py",
    "app.eligibility.rule_sets.save_rules": "workflows/test_audit_rows.py",
    "app.applications.services.apply_transition": "workflows/test_audit_rows.py",
    "app.applications.services.save_answers": "workflows/test_audit_rows.py",
    "app.applications.services.start_application": "workflows/test_audit_rows.py",
    "app.auth.services.accept_invitation": "workflows/test_audit_rows.py",
    "app.auth.services.invite_user": "workflows/test_audit_rows.py",
    "app.auth.services.set_active": "workflows/test_audit_rows.py",
    "app.calls.services.create_call": "workflows/test_audit_rows.py",
    "app.calls.services.update_call": "workflows/test_audit_rows.py",
    "app.calls.services.save_wording": "calls/test_wording.py",
    "app.calls.services.renew_calendar_link": "calls/test_calendar.py",
    "app.calls.definition.import_definition": "calls/test_definition.py",
    "app.documents.services.delete_document": "workflows/test_audit_rows.py",
    "app.documents.services.store_document": "workflows/test_audit_rows.py",
    "app.eligibility.services.bulk_confirm": "workflows/test_audit_rows.py",
    "app.eligibility.services.cancel_proposal": "workflows/test_audit_rows.py",
    "app.eligibility.services.confirm_ineligibility": "workflows/test_audit_rows.py",
    "app.eligibility.services.declare_eligible": "workflows/test_audit_rows.py",
    "app.eligibility.services.declare_ineligible": "workflows/test_audit_rows.py",
    "app.eligibility.services.publish_decisions": "workflows/test_audit_rows.py",
    "app.eligibility.services.request_information": "workflows/test_audit_rows.py",
    "app.info_sessions.services.create_session": "workflows/test_audit_rows.py",
    "app.info_sessions.services.delete_session": "workflows/test_audit_rows.py",
    "app.info_sessions.services.update_session": "workflows/test_audit_rows.py",
    "app.coaching.services.assignment.assign_coach": "coaching/test_audit.py",
    "app.coaching.services.assignment.end_morocco_coach": "coaching/test_audit.py",
    "app.coaching.services.closing.close_coaching": "coaching/test_audit.py",
    "app.coaching.services.items.add_item": "coaching/test_audit.py",
    "app.coaching.services.items.comment_item": "coaching/test_audit.py",
    "app.coaching.services.items.set_item_done": "coaching/test_audit.py",
    "app.coaching.services.milestones.save_milestone": "coaching/test_audit.py",
    "app.coaching.services.sessions.edit_session": "coaching/test_audit.py",
    "app.coaching.services.sessions.log_session": "coaching/test_audit.py",
    "app.coaching.services.sessions.unlock_session": "coaching/test_audit.py",
    "app.coaching.services.settings.save_profile": "coaching/test_audit.py",
    "app.coaching.services.settings.save_settings": "coaching/test_audit.py",
    "app.jury.conflicts.confirm_no_other_conflict": "jury/test_jury_flow.py",
    "app.jury.conflicts.declare_conflict": "jury/test_audit.py",
    "app.jury.conflicts.record_conflict_by_staff": "jury/test_audit.py",
    "app.jury.conflicts.recuse": "jury/test_audit.py",
    "app.jury.conflicts.withdraw_conflict": "jury/test_audit.py",
    "app.jury.scoring.reopen_review": "jury/test_audit.py",
    "app.jury.scoring.save_review_draft": "jury/test_audit.py",
    "app.jury.scoring.set_scoring_open": "jury/test_audit.py",
    "app.jury.scoring.submit_review": "jury/test_audit.py",
    "app.jury.services.add_member": "jury/test_audit.py",
    "app.jury.services.assign_by_hand": "jury/test_audit.py",
    "app.jury.services.remove_member": "jury/test_audit.py",
    "app.jury.services.run_assignment": "jury/test_audit.py",
    "app.jury.services.set_chair": "jury/test_audit.py",
    "app.jury.services.unassign_by_hand": "jury/test_audit.py",
    # Through the pages that call them (the rules, computing, moving, publishing).
    "app.selection.services.save_rules": "selection/test_events.py",
    "app.selection.services.refresh_draft": "selection/test_events.py",
    "app.selection.services.override": "selection/test_events.py",
    "app.selection.services.publish": "selection/test_events.py",
    "app.letters.services.regenerate": "letters/test_events.py",
    "app.letters.services.retry_failed": "letters/test_events.py",
    "app.privacy.services.download_personal_data": "privacy/test_events.py",
    "app.privacy.services.request_erasure": "privacy/test_events.py",
    "app.privacy.services.refuse_erasure": "privacy/test_events.py",
    "app.privacy.services.approve_erasure": "privacy/test_events.py",
    "app.privacy.services.decide_on_erasure": "privacy/test_events.py",
    "app.privacy.services.erase_person": "privacy/test_events.py",
    "app.selection.reserve.confirm_place": "selection/test_reserve_audit.py",
    "app.selection.reserve.decline_place": "selection/test_reserve_audit.py",
    "app.selection.reserve.promote_from_reserve": "selection/test_reserve_audit.py",
}

#: Functions that take an actor but are no domain event of their own, and why.
NOT_AN_EVENT = {
    "app.events.announce": "the one function that writes audit rows",
    "app.jury.services.announce_jury_event": "announce() for one juror and one dossier",
    "app.coaching.services.common.announce_on": "announce() for one coaching file",
    "app.coaching.services.common.require_coach_of": "a check: writes nothing",
    "app.coaching.services.common.require_staff": "a check: writes nothing",
    "app.documents.services.open_document": "a read: the privacy log records it",
    "app.documents.services.open_document_page": "a read through open_document",
    "app.coaching.personal_data.erase_coaching": "part of erase_person, which announces",
    "app.letters.personal_data.erase_letters": "part of erase_person, which announces",
    "app.privacy.personal_data.erase_applications": "part of erase_person, which announces",
    "app.privacy.personal_data.erase_contacts": "part of erase_person, which announces",
    "app.privacy.personal_data.dispose_document": "part of erase_person and of the retention",
}

SKIPPED_MODULES = ("routes", "forms", "cli", "demo")


def services_with_an_actor() -> set[str]:
    """Every public function of app/ that takes ``actor``, by its qualified name."""
    found = set()
    for info in pkgutil.walk_packages(package.__path__, "app."):
        if any(part in SKIPPED_MODULES for part in info.name.split(".")):
            continue
        module = importlib.import_module(info.name)
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ != module.__name__ or name.startswith("_"):
                continue
            if "actor" in inspect.signature(function).parameters:
                found.add(f"{info.name}.{name}")
    return found


def test_every_service_that_writes_has_its_audit_rows_checked(app):
    listed = services_with_an_actor()
    assert listed == set(CHECKED_IN) | set(NOT_AN_EVENT)


@pytest.mark.parametrize("service", sorted(CHECKED_IN))
def test_the_test_named_for_each_service_runs_it(service):
    """The named test file calls the service (or its page) and reads the audit rows."""
    source = (ROOT / CHECKED_IN[service]).read_text(encoding="utf-8")
    tree = ast.parse(source)
    assert any(isinstance(n, ast.FunctionDef) and n.name.startswith("test") for n in tree.body)
    assert "AuditEvent" in source or "/audit" in source, CHECKED_IN[service]
