"""The editor's changes to a form definition: each takes the definition (JSON data) and
returns a changed copy, to be checked whole and saved as a new version
(app.application_forms.services.save_form). Nothing here checks: a change that would
break the form (a condition left on a removed question, two questions of one name) is
refused by the definition's reader, with its path.
"""

from __future__ import annotations

import copy


def _questions(definition: dict):
    for step in definition["steps"]:
        yield from step.setdefault("questions", [])


def step_data(definition: dict, slug: str) -> dict | None:
    return next((step for step in definition["steps"] if step["slug"] == slug), None)


def question_data(definition: dict, name: str) -> dict | None:
    return next((q for q in _questions(definition) if q["name"] == name), None)


def put_step(definition: dict, slug: str | None, step: dict) -> dict:
    """``step`` in place of the step ``slug`` (its questions kept), or added last."""
    changed = copy.deepcopy(definition)
    if slug is None:
        changed["steps"].append({**step, "questions": []})
        return changed
    for index, old in enumerate(changed["steps"]):
        if old["slug"] == slug:
            changed["steps"][index] = {**old, **step}
    return changed


def remove_step(definition: dict, slug: str) -> dict:
    changed = copy.deepcopy(definition)
    changed["steps"] = [step for step in changed["steps"] if step["slug"] != slug]
    return changed


def put_question(definition: dict, slug: str, name: str | None, question: dict) -> dict:
    """``question`` in place of the question ``name``, or added at the end of step
    ``slug``."""
    changed = copy.deepcopy(definition)
    if name is None:
        step_data(changed, slug).setdefault("questions", []).append(question)
        return changed
    for step in changed["steps"]:
        questions = step.get("questions", [])
        for index, old in enumerate(questions):
            if old["name"] == name:
                questions[index] = question
    return changed


def remove_question(definition: dict, name: str) -> dict:
    changed = copy.deepcopy(definition)
    for step in changed["steps"]:
        step["questions"] = [q for q in step.get("questions", []) if q["name"] != name]
    return changed


def _moved(items: list, index: int, delta: int) -> list:
    target = index + delta
    if 0 <= target < len(items):
        items[index], items[target] = items[target], items[index]
    return items


def move_step(definition: dict, slug: str, delta: int) -> dict:
    """The step ``slug`` one place up (-1) or down (+1)."""
    changed = copy.deepcopy(definition)
    index = next(i for i, step in enumerate(changed["steps"]) if step["slug"] == slug)
    _moved(changed["steps"], index, delta)
    return changed


def move_question(definition: dict, name: str, delta: int) -> dict:
    """The question ``name`` one place up (-1) or down (+1) within its step."""
    changed = copy.deepcopy(definition)
    for step in changed["steps"]:
        questions = step.get("questions", [])
        for index, question in enumerate(questions):
            if question["name"] == name:
                _moved(questions, index, delta)
                return changed
    return changed


def put_documents(definition: dict, documents: list[dict]) -> dict:
    """``documents`` as the documents the form asks for."""
    changed = copy.deepcopy(definition)
    changed["documents"] = documents
    return changed
