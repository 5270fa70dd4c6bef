"""The load test's simulated people (run by bench/load_test.py, not on its own).

Applicants save drafts and upload documents; jurors score and submit; staff list
applications and export; the chair follows the board and the dashboard; coaches open
their entrepreneurs' files and log sessions.
Every draft saved, review submitted and session logged is recorded in LOAD_WRITES (a JSON
file) so that the driver can check afterwards that the database holds each one. Every
request's latency is recorded too (LOAD_TIMINGS), with the moment all the simulated people
were running, so that the driver reports the steady state apart from the ramp-up.
"""

from __future__ import annotations

import json
import os
import random
import re
import time
import uuid
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from locust import FastHttpUser, between, events, task

ACCOUNTS = json.loads(Path(os.environ["LOAD_ACCOUNTS"]).read_text())
PASSWORD = "impulse-demo"  # noqa: S105 - the documented demo password
WRITES: dict = {"drafts": {}, "reviews": [], "uploads": 0, "sessions": []}
PDF = b"%PDF-1.4\n% load test\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


class FormReader(HTMLParser):
    """The fields of the first POST form whose action is ``action`` (its path: a form
    posting to ``action + "/recuse"`` is another form) or that posts to the page itself,
    as a browser posts them."""

    def __init__(self, action: str):
        super().__init__()
        self.action, self.inside, self.done = action, False, False
        self.fields: list[tuple[str, str]] = []
        self._textarea = self._select = None
        self._select_value = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        target = attrs.get("action") or ""
        if tag == "form" and not self.done and (attrs.get("method") or "").lower() == "post":
            # a form without action posts to the page itself
            self.inside = not target or target.split("?")[0].split("#")[0] == self.action
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind not in ("submit", "file", "button"):
                self.fields.append((name, attrs.get("value") or ""))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""
        elif tag == "select" and name:
            self._select, self._select_value = name, None
        elif tag == "option" and self._select and "selected" in attrs:
            self._select_value = attrs.get("value", "")

    def handle_data(self, data):
        if self._textarea:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea:
            self.fields.append((self._textarea, self._text.strip("\n")))
            self._textarea = None
        elif tag == "select" and self._select:
            if self._select_value is not None:
                self.fields.append((self._select, self._select_value))
            self._select = None
        elif tag == "form" and self.inside:
            self.inside, self.done = False, True


def form_fields(html: str, action: str) -> dict:
    reader = FormReader(action)
    reader.feed(html)
    fields: dict = {}
    for name, value in reader.fields:
        fields.setdefault(name, []).append(value)
    return {name: values if len(values) > 1 else values[0] for name, values in fields.items()}


def csrf(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    return match.group(1) if match else ""


class Person(FastHttpUser):
    abstract = True
    pool: list = []
    #: Whether several simulated people may share one account (staff, coaches).
    shared = False

    def on_start(self):
        if self.shared:
            self.account = self.pool[len(self.pool) and random.randrange(len(self.pool))]
        else:
            if not self.pool:
                raise RuntimeError(f"no account left for {type(self).__name__}")
            self.account = self.pool.pop()
        self.login()

    def post_form(self, url: str, data: dict, name: str):
        """POST ``data`` as a browser does (repeated names for lists), without following."""
        return self.client.post(
            url,
            data=urlencode(data, doseq=True),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            name=name,
            allow_redirects=False,
            catch_response=True,
        )

    def login(self):
        page = self.client.get("/login", name="GET /login").text
        with self.post_form(
            "/login",
            {"email": self.account["email"], "password": PASSWORD, "csrf_token": csrf(page)},
            "POST /login",
        ) as response:
            if response.status_code == 302:
                response.success()
            else:
                response.failure(f"login refused for {self.account['email']}")


class Applicant(Person):
    fixed_count = 30
    wait_time = between(1, 3)
    pool = list(ACCOUNTS["applicants"])

    @task(4)
    def save_a_draft(self):
        application_id = self.account["application_id"]
        url = f"/applications/{application_id}/steps/project"
        page = self.client.get(url, name="GET step (draft)").text
        data = form_fields(page, url)
        marker = f"load-{uuid.uuid4().hex}"
        data.update(summary=marker, then="stay")
        with self.client.post(
            url,
            data=data,
            name="POST step (save draft)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code == 302:
                WRITES["drafts"][str(application_id)] = marker
                response.success()
            else:
                response.failure(f"draft not saved: {response.status_code}")

    @task(1)
    def upload_a_document(self):
        application_id = self.account["application_id"]
        page = self.client.get(
            f"/applications/{application_id}/documents", name="GET documents"
        ).text
        boundary = uuid.uuid4().hex
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
                f'{csrf(page)}\r\n--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                f'filename="cv.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
            ).encode()
            + PDF
            + f"\r\n--{boundary}--\r\n".encode()
        )
        with self.client.post(
            f"/applications/{application_id}/documents/cv",
            data=body,
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
            name="POST upload",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code == 302:
                WRITES["uploads"] += 1
                response.success()
            else:
                response.failure(f"upload refused: {response.status_code}")

    @task(1)
    def my_applications(self):
        self.client.get("/my/applications", name="GET my applications")


class Juror(Person):
    fixed_count = 9
    wait_time = between(1, 3)
    pool = list(ACCOUNTS["jurors"])

    def on_start(self):
        super().on_start()
        self.todo = list(self.account["assignments"])
        random.shuffle(self.todo)

    @task(1)
    def my_dossiers(self):
        self.client.get(f"/jury/calls/{ACCOUNTS['call_id']}/my-dossiers", name="GET my dossiers")

    @task(3)
    def score_and_submit(self):
        if not self.todo:
            return
        assignment_id = self.todo.pop()
        url = f"/jury/assignments/{assignment_id}"
        page = self.client.get(url, name="GET score form").text
        data = form_fields(page, url)
        for name in list(data):
            if name.startswith("score_"):
                data[name] = str(random.randint(4, 9))
        data["overall_comment"] = "Load test review."
        data["action"] = "submit"
        with self.post_form(url, data, "POST score (submit)") as response:
            if response.status_code == 302:
                WRITES["reviews"].append(assignment_id)
                response.success()
            else:
                response.failure(f"review not submitted: {response.status_code}")


class Staff(Person):
    fixed_count = 5
    shared = True
    wait_time = between(2, 5)
    pool = list(ACCOUNTS["staff"])

    @task(4)
    def list_applications(self):
        call = ACCOUNTS["call_id"]
        page = random.randint(1, 200)
        self.client.get(
            f"/staff/calls/{call}/applications?page={page}", name="GET staff applications list"
        )

    @task(1)
    def filter_applications(self):
        call = ACCOUNTS["call_id"]
        self.client.get(
            f"/staff/calls/{call}/applications?status=in_review&q=a",
            name="GET staff applications filtered",
        )

    @task(1)
    def export_assignments(self):
        call = ACCOUNTS["call_id"]
        self.client.get(f"/jury/staff/calls/{call}/assignments.csv", name="GET export assignments")

    @task(1)
    def staff_home(self):
        self.client.get("/staff", name="GET staff home")


class Chair(Person):
    """The chair following the scoring: the board (its first page, or another one) and
    the call's dashboard (issue 19: the pages that aggregate every dossier)."""

    fixed_count = 2
    shared = True
    wait_time = between(2, 5)
    pool = list(ACCOUNTS["chairs"])

    @task(2)
    def board(self):
        self.client.get(f"/jury/calls/{ACCOUNTS['call_id']}/board", name="GET board")

    @task(1)
    def board_page(self):
        page = random.randint(2, 8)  # past the last page, the board shows its last one
        self.client.get(
            f"/jury/calls/{ACCOUNTS['call_id']}/board?page={page}", name="GET board, a page"
        )

    @task(2)
    def dashboard(self):
        self.client.get(f"/dashboard/calls/{ACCOUNTS['call_id']}", name="GET dashboard")


class Coach(Person):
    """A coach of the past call (bench/load_coaching.py): home, a project holder's file,
    the session form, and a session logged with a valid date (after the selection, not in
    the future: the coaching area refuses both)."""

    fixed_count = 4
    wait_time = between(2, 5)
    pool = [coach for coach in ACCOUNTS["coaches"] if coach["projects"]]

    @task(1)
    def coaching_home(self):
        self.client.get("/coaching/", name="GET coaching home")

    @task(2)
    def log_a_session(self):
        project = random.choice(self.account["projects"])
        self.client.get(f"/coaching/projects/{project['id']}", name="GET coaching project")
        url = f"/coaching/projects/{project['id']}/sessions/new"
        data = form_fields(self.client.get(url, name="GET session form").text, url)
        # Yesterday back to 60 days ago (the day before: no doubt about "today" around
        # midnight in Brussels), never before the selection.
        latest = brussels_today() - timedelta(days=1)
        earliest = max(date.fromisoformat(project["selected_on"]), latest - timedelta(days=59))
        held_on = earliest + timedelta(days=random.randint(0, (latest - earliest).days))
        marker = f"load-{uuid.uuid4().hex}"
        data.update(
            held_on=held_on.isoformat(),
            duration_minutes=str(random.choice([45, 60, 90])),
            mode=random.choice(["in_person", "video", "phone"]),
            place=random.choice(["belgium", "morocco", "online"]),
            topics=random.sample(["business_plan", "financing", "legal", "marketing"], k=2),
            tags="load test",
            summary=f"Session summary {marker}",
            private_notes="Load test.",
            next_session_on=(held_on + timedelta(days=14)).isoformat(),
        )
        data["items-0-text"] = "Send the updated financial plan"
        data["items-0-due_on"] = (held_on + timedelta(days=14)).isoformat()
        with self.post_form(url, data, "POST session (log)") as response:
            if response.status_code == 302:
                WRITES["sessions"].append(
                    {"application_id": project["id"], "summary": data["summary"]}
                )
                response.success()
            else:
                error = re.search(r'role="alert">([^<]+)<', response.text or "")
                response.failure(
                    f"session not logged: {response.status_code} "
                    f"{error.group(1).strip() if error else ''}"
                )


def brussels_today() -> date:
    return datetime.now(ZoneInfo("Europe/Brussels")).date()


TIMINGS: dict = {"spawned_at": None, "requests": []}


@events.request.add_listener
def record_timing(request_type, name, response_time, exception=None, **_kwargs):
    TIMINGS["requests"].append((time.time(), name, response_time, exception is not None))


@events.spawning_complete.add_listener
def spawned(user_count, **_kwargs):
    TIMINGS["spawned_at"] = time.time()


@events.test_stop.add_listener
def save_writes(environment, **_kwargs):
    Path(os.environ["LOAD_WRITES"]).write_text(json.dumps(WRITES))
    Path(os.environ["LOAD_TIMINGS"]).write_text(json.dumps(TIMINGS))
