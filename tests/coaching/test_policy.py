"""Coaching's predicates (app.access.policy) and their scopes (app.access.scopes) agree,
for every kind of person and every state a coaching file has."""

import pytest
from sqlalchemy import select

from app.access.policy import (
    forget_standing,
    may_coach,
    may_read_coaching_file,
    may_read_milestones,
    may_see_item,
)
from app.access.scopes import (
    followed_projects,
    visible_action_items,
    visible_coaching_files,
    visible_milestones,
)
from app.auth.models import Role
from app.coaching import services as coaching
from app.coaching.models import ActionItem, MilestoneProgress
from app.extensions import db
from app.jury.models import ConflictOfInterest

STATES = ("confirmed", "coaching", "completed", "dropped_out")


@pytest.fixture
def people(make_user, staff, coach, other_coach, project):
    conflicted_staff = make_user(Role.STAFF)
    db.session.add(
        ConflictOfInterest(application_id=project.id, juror_id=conflicted_staff.id, kind="family")
    )
    coaching.add_item(project, {"text": "Visit", "owner": "entrepreneur"}, actor=coach)
    db.session.add(MilestoneProgress(application_id=project.id, key="first_sale"))
    db.session.commit()
    return {
        "staff": staff,
        "conflicted staff": conflicted_staff,
        "coach": coach,
        "other coach": other_coach,
        "entrepreneur": project.applicant,
        "another applicant": make_user(Role.APPLICANT),
    }


def _listed(query, record) -> bool:
    return record.id in set(db.session.scalars(query.with_only_columns(type(record).id)))


@pytest.mark.parametrize("state", STATES)
def test_each_scope_lists_what_its_predicate_allows(people, project, state):
    project.status = state
    db.session.commit()
    forget_standing()
    item = db.session.scalars(select(ActionItem)).one()
    milestone = db.session.scalars(select(MilestoneProgress)).one()
    for name, person in people.items():
        pairs = [
            (
                may_read_coaching_file(person, project),
                _listed(visible_coaching_files(person), project),
            ),
            (may_coach(person, project), _listed(followed_projects(person), project)),
            (may_see_item(person, item), _listed(visible_action_items(person, project), item)),
            (
                may_read_milestones(person, project),
                _listed(visible_milestones(person, project), milestone),
            ),
        ]
        assert all(allowed == listed for allowed, listed in pairs), (name, state, pairs)
    assert may_read_coaching_file(people["coach"], project) == (state != "confirmed")
    assert not may_read_coaching_file(people["conflicted staff"], project)
    assert not may_read_coaching_file(people["entrepreneur"], project)
    assert may_read_milestones(people["entrepreneur"], project) == (state != "confirmed")
