"""Where an applicant stands in the form: which steps are complete."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for

from app.application_forms.definition import Step


@dataclass(frozen=True)
class StepState:
    step: Step
    url: str
    missing: int

    @property
    def complete(self) -> bool:
        return self.missing == 0


def step_url(application, step: Step) -> str:
    if step.documents:
        return url_for("documents.manage_documents", application_id=application.id)
    return url_for("applications.edit_step", application_id=application.id, slug=step.slug)


def step_progress(application, missing: list) -> list[StepState]:
    """Each step with its link and the number of required items still missing in it."""
    per_step: dict[str, int] = {}
    for item in missing:
        per_step[item.step] = per_step.get(item.step, 0) + 1
    return [
        StepState(step, step_url(application, step), per_step.get(step.slug, 0))
        for step in application.form.steps
    ]
