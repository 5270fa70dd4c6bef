"""Security headers on every response, and the health check."""

import pytest

from app import config as app_config
from app import create_app


def _get_routes(app):
    return sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and not rule.arguments
    )


def test_every_page_carries_the_security_headers(app, client):
    for path in _get_routes(app) + ["/no-such-page"]:
        response = client.get(path)
        headers = response.headers
        response.close()
        csp = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp, path
        assert "'unsafe-inline'" not in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert headers["X-Frame-Options"] == "DENY"
        assert "Strict-Transport-Security" not in headers  # development: no HSTS


def test_no_template_needs_inline_script_or_style():
    from app.config import PROJECT_ROOT

    for template in (PROJECT_ROOT / "templates").rglob("*.html"):
        text = template.read_text()
        assert 'style="' not in text and "<style" not in text, template
        assert "<script>" not in text and " on" + "click=" not in text, template


def test_production_adds_hsts(app, client):
    app.config["ENV_NAME"] = "production"
    try:
        response = client.get("/privacy")
    finally:
        app.config["ENV_NAME"] = "testing"
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_health_check_reports_database_and_queue(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "ok",
        "database": "ok",
        "jobs": "ok",
        "rate_limits": "ok",
    }


def test_health_check_says_when_the_database_is_down(tmp_path):
    broken = create_app(
        app_config.TestConfig(f"sqlite:///{tmp_path}/missing/dir/impulse.db", tmp_path)
    )
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "error" and body["database"].startswith("error")
    assert body["jobs"] == "ok"


def test_health_check_with_an_unreachable_database_server(tmp_path):
    broken = create_app(
        app_config.TestConfig("postgresql+psycopg://nobody@127.0.0.1:1/impulse", tmp_path)
    )
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "error: OperationalError"
    with broken.app_context():
        from app.extensions import db

        db.engine.dispose()


def test_health_check_says_when_the_job_queue_is_down(client, monkeypatch):
    from app.jobs import huey

    def unreachable():
        raise ConnectionError("redis down")

    monkeypatch.setattr(huey.storage, "queue_size", unreachable)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {
        "status": "error",
        "database": "ok",
        "jobs": "error: ConnectionError",
        "rate_limits": "ok",
    }


@pytest.mark.parametrize("kind", ["sqlite", "redis"])
def test_health_check_with_each_real_queue_storage(client, monkeypatch, tmp_path, kind):
    """The embedded queue (SQLite, what `make run` uses) and Redis (production)."""
    import app.jobs as jobs

    if kind == "sqlite":
        queue = jobs.make_huey(f"sqlite:///{tmp_path}/jobs.db")
    else:
        queue = jobs.make_huey("redis://127.0.0.1:6379/15")
    monkeypatch.setattr(jobs, "huey", queue)
    response = client.get("/healthz")
    assert response.get_json() == {
        "status": "ok",
        "database": "ok",
        "jobs": "ok",
        "rate_limits": "ok",
    }
    if kind == "redis":
        monkeypatch.setattr(jobs, "huey", jobs.make_huey("redis://127.0.0.1:1/0"))
        down = client.get("/healthz")
        assert down.status_code == 503 and down.get_json()["jobs"].startswith("error")
