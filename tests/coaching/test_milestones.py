"""Milestones per call: dates, facts, evidence, and the call's own list."""

import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.coaching import services as coaching
from app.coaching.models import MilestoneProgress
from app.coaching.overview import settings_for, today
from app.documents.demo import sample_pdf
from app.extensions import db


def test_a_coach_records_the_company_registration_with_evidence(client, login_as, coach, project):
    login_as(coach)
    reached = (today() - timedelta(days=3)).isoformat()
    response = client.post(
        f"/coaching/projects/{project.id}/milestones/company_registered",
        data={
            "target_on": reached,
            "reached_on": reached,
            "register_number": "RC 123456 Agadir",
            "evidence_note": "Modèle J received.",
            "evidence": (io.BytesIO(sample_pdf("Modèle J", ["RC 123456"])), "modele-j.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    progress = db.session.scalars(select(MilestoneProgress)).one()
    assert progress.facts == {"register_number": "RC 123456 Agadir"}
    assert progress.evidence_filename == "modele-j.pdf"
    download = client.get(f"/coaching/projects/{project.id}/milestones/company_registered/evidence")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    download.close()
    client.post("/logout")
    login_as(project.applicant)
    page = client.get(f"/coaching/mine/{project.id}").get_data(as_text=True)
    assert "RC 123456 Agadir" in page and "modele-j.pdf" in page


def test_financing_and_jobs_keep_their_numbers(coach, project):
    coaching.save_milestone(
        project,
        "financing_secured",
        {"reached_on": today(), "amount_eur": 45000.0, "source": "Bank of Africa"},
        actor=coach,
    )
    coaching.save_milestone(
        project, "jobs_created", {"reached_on": today(), "jobs": 4}, actor=coach
    )
    db.session.commit()
    facts = dict(db.session.execute(select(MilestoneProgress.key, MilestoneProgress.facts)).all())
    assert facts == {
        "financing_secured": {"amount_eur": 45000.0, "source": "Bank of Africa"},
        "jobs_created": {"jobs": 4},
    }


@pytest.mark.parametrize(
    ("key", "data", "message"),
    [
        ("first_sale", {"reached_on": "future"}, "cannot be reached in the future"),
        ("jobs_created", {"reached_on": None, "jobs": -2}, "cannot be negative"),
        ("jobs_created", {"reached_on": "today"}, "number of jobs"),
        ("moon_landing", {}, "not tracked for this call"),
    ],
)
def test_bad_milestones_are_refused(coach, project, key, data, message):
    if data.get("reached_on") == "future":
        data["reached_on"] = today() + timedelta(days=1)
    elif data.get("reached_on") == "today":
        data["reached_on"] = today()
    with pytest.raises(coaching.CoachingError, match=message):
        coaching.save_milestone(project, key, data, actor=coach)
    db.session.rollback()
    assert db.session.scalars(select(MilestoneProgress)).all() == []


def test_a_file_that_is_not_a_pdf_or_an_image_is_refused(client, login_as, coach, project):
    login_as(coach)
    response = client.post(
        f"/coaching/projects/{project.id}/milestones/first_sale",
        data={"evidence": (io.BytesIO(b"MZ\x90\x00 not a pdf"), "invoice.exe")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert "The evidence must be a PDF, JPEG or PNG file." in response.get_data(as_text=True)
    assert db.session.scalars(select(MilestoneProgress)).all() == []


def test_the_call_configures_its_milestones_and_topics(client, login_as, staff, coach, project):
    login_as(staff)
    response = client.post(
        f"/coaching/staff/calls/{project.call_id}/settings",
        data={
            "topics": ["financing"],
            "custom_topics": "Export licences\nHalal certification",
            "milestones": ["company_registered", "first_sale"],
            "custom_milestones": "Export licence obtained",
            "stall_days": "30",
        },
    )
    assert response.status_code == 302
    settings = settings_for(project.call)
    assert [entry["key"] for entry in settings.milestones] == [
        "company_registered",
        "first_sale",
        "export_licence_obtained",
    ]
    assert settings.stall_days == 30
    client.post("/logout")
    login_as(coach)
    page = client.get(f"/coaching/projects/{project.id}").get_data(as_text=True)
    assert "Export licence obtained" in page and "Premises found" not in page
    assert (
        client.get(f"/coaching/projects/{project.id}/milestones/premises_found").status_code == 404
    )
    form = client.get(f"/coaching/projects/{project.id}/sessions/new").get_data(as_text=True)
    assert "Halal certification" in form and "Hiring and team" not in form


def test_settings_refuse_a_bad_threshold_and_an_empty_milestone_list(staff, project):
    with pytest.raises(coaching.CoachingError, match="between 1 and 365"):
        coaching.save_settings(
            project.call, {"stall_days": 0, "milestones": ["first_sale"]}, actor=staff
        )
    with pytest.raises(coaching.CoachingError, match="at least one milestone"):
        coaching.save_settings(project.call, {"stall_days": 21}, actor=staff)
    db.session.rollback()
    assert settings_for(project.call).stall_days == 21
