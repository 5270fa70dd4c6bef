"""Configuration read from the environment.

Development runs with nothing set: SQLite and the job store live in ``instance/``
and a secret key is generated there once. Production (``IMPULSE_ENV=production``)
refuses to start without ``SECRET_KEY``.
"""

import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = Path(os.environ.get("IMPULSE_INSTANCE_DIR", PROJECT_ROOT / "instance"))


def _development_secret_key(instance_dir: Path) -> str:
    """Return the secret key kept in ``instance/secret_key``, creating it once."""
    instance_dir.mkdir(parents=True, exist_ok=True)
    key_file = instance_dir / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(48))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


class Config:
    ENV_NAME = os.environ.get("IMPULSE_ENV", "development")
    INSTANCE_DIR = INSTANCE_DIR
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'impulse.db'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    # Sessions: HttpOnly and SameSite=Lax always, Secure in production.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # tied to the session instead of a clock

    # Languages: French first (the default and the fallback of content written by staff);
    # every catalogue complete. Each language is named in its own language.
    BABEL_DEFAULT_LOCALE = "fr"
    BABEL_DEFAULT_TIMEZONE = "Europe/Brussels"
    LANGUAGES = {"fr": "Français", "nl": "Nederlands", "en": "English", "ar": "العربية"}
    #: Languages written right to left.
    RTL_LANGUAGES = frozenset({"ar"})
    #: WTForms' own messages ("This field is required.") in the page's language.
    WTF_I18N_ENABLED = True
    BABEL_TRANSLATION_DIRECTORIES = str(PROJECT_ROOT / "app" / "translations")

    # Password hashing: argon2id at OWASP's recommended minimum (19 MiB, t=2, p=1).
    ARGON2_TIME_COST = 2
    ARGON2_MEMORY_COST = 19456
    ARGON2_PARALLELISM = 1
    PASSWORD_MIN_LENGTH = 10
    PASSWORD_RESET_HOURS = 2
    INVITATION_DAYS = 14
    #: How long a registration link works (the account is created when it is used).
    REGISTRATION_HOURS = 48

    # Rate limits (Flask-Limiter), per client address. Memory in development; in
    # production RATELIMIT_STORAGE_URI (redis://...) so that every worker counts together.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    #: Redis down: Flask-Limiter counts in each process's memory meanwhile (it logs the
    #: warning "Rate limit storage unreachable - falling back to in-memory storage" once
    #: per outage and process, and goes back to Redis when it answers again), instead of
    #: answering 500 to every rate-limited form (logging in, a reset link).
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    # Failed logins only are counted (a room of people logging in with their passwords
    # never reaches a limit): per account (the address typed, known or not: the refusal
    # looks the same) and per client address, at a level a room of 40 behind one address
    # does not reach with typos. Over the account's limit, the owner is e-mailed once.
    LOGIN_ACCOUNT_RATE_LIMIT = os.environ.get("LOGIN_ACCOUNT_RATE_LIMIT", "10 per 15 minutes")
    LOGIN_ADDRESS_RATE_LIMIT = os.environ.get("LOGIN_ADDRESS_RATE_LIMIT", "50 per 15 minutes")
    REGISTER_RATE_LIMIT = os.environ.get("REGISTER_RATE_LIMIT", "20 per minute; 100 per hour")
    PASSWORD_RESET_RATE_LIMIT = os.environ.get(
        "PASSWORD_RESET_RATE_LIMIT", "5 per minute; 20 per hour"
    )
    SESSION_REGISTRATION_RATE_LIMIT = os.environ.get(
        "SESSION_REGISTRATION_RATE_LIMIT", "10 per minute; 50 per hour"
    )
    #: The public verification page of letters (/verify/<code>): see app.common.limits.
    VERIFY_RATE_LIMIT = os.environ.get("VERIFY_RATE_LIMIT", "30 per minute; 300 per hour")

    # Behind a reverse proxy. TRUSTED_HOSTS (comma-separated, Flask 3.1) refuses any
    # other Host header with 400; PROXY_COUNT is the number of proxies in front of the
    # app whose X-Forwarded-For/-Proto/-Host are believed (0: none, no ProxyFix).
    TRUSTED_HOSTS = [
        host.strip() for host in os.environ.get("TRUSTED_HOSTS", "").split(",") if host.strip()
    ] or None
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))

    # Logs: one JSON line per request (request id, user, method, path, status, latency).
    REQUEST_LOG = os.environ.get("REQUEST_LOG", "1") == "1"

    # Personal data: documents of applications not selected are deleted this many
    # months after the decision (flask --app wsgi privacy retention; a periodic job).
    RETENTION_MONTHS = int(os.environ.get("RETENTION_MONTHS", "12"))

    # Mail: SMTP when MAIL_SERVER is set, otherwise messages are written to the log.
    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "587"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "1") == "1"
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "Impulse <no-reply@impulse.example>")

    # Background jobs: Huey on SQLite in instance/ by default, Redis when JOBS_URL says so.
    JOBS_URL = os.environ.get("JOBS_URL", f"sqlite:///{INSTANCE_DIR / 'jobs.db'}")
    #: Letters and e-mails still pending this long after they were requested are queued
    #: again by the worker's sweepers (every minute): their job was lost, e.g. the queue
    #: (Redis) was down when the change was committed.
    JOBS_REQUEUE_AFTER_SECONDS = int(os.environ.get("JOBS_REQUEUE_AFTER_SECONDS", "300"))
    #: The chair's board shows a stale score summary computed less than this long ago as
    #: it is, with its time, while a job recomputes it (app.jury.summary); older, it is
    #: recomputed in the request. 0: always recomputed in the request.
    SUMMARY_GRACE_SECONDS = float(os.environ.get("SUMMARY_GRACE_SECONDS", "10"))

    # Documents uploaded by applicants: outside any static folder, under generated names.
    DOCUMENT_STORE = Path(os.environ.get("DOCUMENT_STORE", INSTANCE_DIR / "documents"))
    #: Largest accepted file (10 MB by default).
    MAX_DOCUMENT_BYTES = int(os.environ.get("MAX_DOCUMENT_BYTES", 10 * 1024 * 1024))
    #: Pages of PDF documents rendered to PNG for the jury's split view, one folder per
    #: stored file (derived data: outside DOCUMENT_STORE, so not in backups). A folder
    #: goes with its document's file, and when unused for DOCUMENT_PAGES_KEEP_DAYS.
    DOCUMENT_PAGES = Path(os.environ.get("DOCUMENT_PAGES", INSTANCE_DIR / "document-pages"))
    DOCUMENT_PAGES_KEEP_DAYS = int(os.environ.get("DOCUMENT_PAGES_KEEP_DAYS", "14"))
    #: Largest accepted request (Flask answers 413 above it).
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", 12 * 1024 * 1024))

    # Decision letters: PDF files named by their SHA-256, never overwritten.
    LETTER_STORE = Path(os.environ.get("LETTER_STORE", INSTANCE_DIR / "letters"))
    #: Languages a letter can be written in; another choice gets the default (French).
    LETTER_LANGUAGES = ("fr", "en", "nl", "ar")
    #: PDF/A for archival (WeasyPrint's pdf_variant), tagged for accessibility.
    LETTER_PDF_VARIANT = os.environ.get("LETTER_PDF_VARIANT", "pdf/a-3b")
    #: Seconds one letter may take to render before it is failed (and retryable).
    LETTER_TIME_LIMIT = float(os.environ.get("LETTER_TIME_LIMIT", "20"))

    #: Public address of the site, for links in emails and letters.
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")

    def __init__(self) -> None:
        secret = os.environ.get("SECRET_KEY")
        if self.ENV_NAME == "production":
            if not secret:
                raise RuntimeError("SECRET_KEY must be set in production (IMPULSE_ENV=production).")
            self.SESSION_COOKIE_SECURE = True
            self.REMEMBER_COOKIE_SECURE = True
            self.RATELIMIT_STORAGE_URI = os.environ.get(
                "RATELIMIT_STORAGE_URI", os.environ.get("REDIS_URL", "memory://")
            )
            if self.RATELIMIT_STORAGE_URI.startswith("memory://"):
                raise RuntimeError(
                    "RATELIMIT_STORAGE_URI (redis://...) must be set in production: "
                    "in-memory counters are per worker."
                )
        self.SECRET_KEY = secret or _development_secret_key(self.INSTANCE_DIR)


class TestConfig(Config):
    """Tests: a throw-away database, fast hashing, CSRF and rate limits controllable."""

    TESTING = True
    ENV_NAME = "testing"
    WTF_CSRF_ENABLED = False
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024
    JOBS_URL = "immediate://"
    REQUEST_LOG = False  # tests/test_hardening.py turns it on where it looks at it

    def __init__(self, database_url: str, instance_dir: Path) -> None:
        self.INSTANCE_DIR = instance_dir
        self.DOCUMENT_STORE = instance_dir / "documents"
        self.DOCUMENT_PAGES = instance_dir / "document-pages"
        self.LETTER_STORE = instance_dir / "letters"
        super().__init__()
        self.SECRET_KEY = "test-secret-key"  # noqa: S105 - tests only
        self.SQLALCHEMY_DATABASE_URI = database_url
