"""Log in and out, register, passwords, invitations, and the staff's people page."""

import time

from flask import Response, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from app.access.policy import role_required
from app.auth import bp
from app.auth.directory import TEAM, accounts, pending_invitations
from app.auth.forms import (
    AcceptInvitationForm,
    ChangePasswordForm,
    ConfirmForm,
    ForgotPasswordForm,
    InviteForm,
    LoginForm,
    RegisterForm,
    ResetPasswordForm,
)
from app.auth.models import AccountToken, Role, TokenPurpose, User, normalise_email
from app.auth.services import (
    accept_invitation,
    authenticate,
    change_password,
    confirm_registration,
    end_sessions,
    invite_user,
    request_password_reset,
    request_registration,
    set_active,
    warn_of_failed_logins,
)
from app.auth.services import (
    reset_password as use_reset_link,
)
from app.auth.tokens import find_usable_token
from app.common.limits import (
    LOGIN_ACCOUNT_LIMIT,
    LOGIN_ADDRESS_LIMIT,
    PASSWORD_RESET_LIMIT,
    REGISTER_LIMIT,
    first_breach,
    forget,
    rate_limit,
)
from app.common.urls import safe_next_url, wants_page
from app.common.views import run_posted, run_service, without_actor
from app.extensions import db
from app.i18n import current_locale


def _form_page(template: str, form, refusal: str | None = None, field=None, **context):
    """The form (again), with the reason it was refused: under ``field``, or flashed."""
    if refusal and field is not None:
        field.errors.append(refusal)
    elif refusal:
        flash(refusal, "error")
    return render_template(template, form=form, **context)


def _submit(template: str, form, service, *args, done, field=None, **kwargs):
    """The form's page until ``form`` is valid, then ``service`` (nobody identified acts:
    :func:`without_actor`) run with :func:`run_service`, saying ``done``; a refusal shows
    the form again with its reason, under ``field`` or flashed."""
    if not form.validate_on_submit():
        return _form_page(template, form)
    return run_service(
        without_actor(service),
        *args,
        done=done,
        refused=lambda message: _form_page(template, form, message, field),
        **kwargs,
    )


def _enter(user: User, message: str | None = None, target: str | None = None):
    """A fresh session for ``user``, in their language, then on to ``target`` (the page
    asked for before logging in, or their home)."""
    session.clear()
    login_user(user)
    session["locale"] = user.locale
    if message:
        flash(message, "success")
    return redirect(target or safe_next_url(request.args.get("next")) or url_for("main.home"))


def _typed_address() -> str:
    """The login form's address, as accounts store it: the per-account count's key."""
    return "login:" + normalise_email(request.form.get("email", ""))


def _login_failed(_response) -> bool:
    return g.get("login_failed", False)


def _account_locked(limit):
    """Over the per-account limit: the login page saying so, with a reset link, the same
    for every address typed (known or not); the owner of a known account is e-mailed
    once per lockout."""
    email = request.form.get("email", "")
    if first_breach(LOGIN_ACCOUNT_LIMIT, _typed_address()):
        warn_of_failed_logins(email)
        db.session.commit()  # the notice only: nothing else was written
    minutes = max(1, round((limit.reset_at - time.time()) / 60))
    page = render_template("auth/login.html", form=LoginForm(), locked_minutes=minutes)
    return Response(page, 429)


def _refuse_login(form, message: str):
    g.login_failed = True  # counted by both login limits (successes are not)
    return _form_page("auth/login.html", form, message)


@bp.route("/login", methods=["GET", "POST"])
@rate_limit(
    LOGIN_ACCOUNT_LIMIT,
    methods=["POST"],
    key=_typed_address,
    deduct_when=_login_failed,
    on_breach=_account_locked,
)
@rate_limit(LOGIN_ADDRESS_LIMIT, methods=["POST"], deduct_when=_login_failed)
def login():
    """Log in with email and password."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if not form.validate_on_submit():
        return _form_page("auth/login.html", form)
    return run_service(
        without_actor(authenticate),
        form.email.data,
        form.password.data,
        refused=lambda message: _refuse_login(form, message),
        done=None,  # the home page is the answer
        then=_enter,
    )


@bp.route("/logout", methods=["POST"])
def logout():
    """Log out, ending every session of this account."""
    if current_user.is_authenticated:
        run_service(without_actor(end_sessions), current_user._get_current_object(), done=None)
    logout_user()
    session.clear()
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/register", methods=["GET", "POST"])
@rate_limit(REGISTER_LIMIT, methods=["POST"])
def register():
    """Create an applicant account, first step: the address is confirmed by e-mail. The
    page that follows is the same whether or not the address has an account."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = RegisterForm()
    return _submit(
        "auth/register.html",
        form,
        request_registration,
        form.email.data,
        form.full_name.data,
        form.password.data,
        locale=form.locale.data,
        field=form.email,
        done=None,  # the "check your e-mail" page says it
        then=lambda _none: _check_your_email(form.email.data),
    )


def _check_your_email(email: str) -> str:
    session["registered_email"] = email
    return url_for("auth.registration_sent")


@bp.route("/register/sent")
def registration_sent():
    """ "Check your e-mail": the page after registering, whatever the address."""
    return render_template("auth/check_email.html", email=session.get("registered_email"))


@bp.route("/register/confirm/<token>", methods=["GET", "POST"], endpoint="confirm_registration")
@rate_limit(PASSWORD_RESET_LIMIT, methods=["POST"])
def confirm_registration_view(token):
    """Confirm one's address from the e-mailed link (a button: a mail scanner opening
    the link must not use it), then in, logged in."""
    if find_usable_token(token, TokenPurpose.REGISTRATION) is None:
        flash(_("This link is invalid or has expired. Create your account again."), "error")
        return redirect(url_for("auth.register"))
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_template("auth/confirm_registration.html", form=form)
    return run_service(
        without_actor(confirm_registration),
        token,
        done=None,  # _enter says it
        back=url_for("auth.login"),
        then=lambda user: _enter(user, _("Welcome! Your account is ready."), url_for("main.home")),
    )


@bp.route("/password/forgot", methods=["GET", "POST"])
@rate_limit(PASSWORD_RESET_LIMIT, methods=["POST"])
def forgot_password():
    """Ask for a password reset link."""
    form = ForgotPasswordForm()
    if not form.validate_on_submit():
        return _form_page("auth/forgot_password.html", form)
    return run_service(
        without_actor(request_password_reset),
        form.email.data,
        done=_("If an account exists for this address, a reset link is on its way. It works once."),
        then=url_for("auth.login"),
    )


def _to_login(user) -> str:
    """After a reset, nobody stays logged in: log in again with the new password (at
    once, even if failed logins had locked the account)."""
    forget(LOGIN_ACCOUNT_LIMIT, "login:" + user.email)
    logout_user()
    return url_for("auth.login")


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@rate_limit(PASSWORD_RESET_LIMIT, methods=["POST"])
def reset_password(token):
    """Choose a new password from an emailed link."""
    if find_usable_token(token, TokenPurpose.RESET) is None:
        flash(_("This link is invalid or has expired. Ask for a new one."), "error")
        return redirect(url_for("auth.forgot_password"))
    form = ResetPasswordForm()
    if not form.validate_on_submit():
        return _form_page("auth/reset_password.html", form)
    return run_service(
        without_actor(use_reset_link),
        token,
        form.password.data,
        done=_("Your password is changed. Log in with the new one."),
        back=url_for("auth.forgot_password"),
        then=_to_login,
    )


def _stay_logged_in(_result) -> str:
    """The password changed every session's token: this one carries the new one."""
    login_user(current_user._get_current_object())
    return url_for("main.home")


@bp.route("/account/password", methods=["GET", "POST"], endpoint="change_password")
@login_required
def change_password_view():
    """Change one's own password."""
    form = ChangePasswordForm()
    return _submit(
        "auth/change_password.html",
        form,
        change_password,
        current_user._get_current_object(),
        form.current_password.data,
        form.password.data,
        field=form.current_password,
        done=_("Your password is changed. Your other sessions are logged out."),
        then=_stay_logged_in,
    )


def _has_account(invitation: AccountToken) -> bool:
    return invitation.user_id is not None or bool(
        db.session.scalar(select(User.id).where(User.email == invitation.email))
    )


@bp.route("/invitations/<token>", methods=["GET", "POST"], endpoint="accept_invitation")
def accept_invitation_view(token):
    """Accept an invitation: create the account or add the roles to one's own."""
    invitation = find_usable_token(token, TokenPurpose.INVITATION)
    if invitation is None:
        flash(_("This invitation is invalid or has expired. Ask staff for a new one."), "error")
        return redirect(url_for("auth.login"))
    has_account, form = _has_account(invitation), AcceptInvitationForm()
    if request.method == "GET" or not (has_account or form.validate_on_submit()):
        page = {"invitation": invitation, "has_account": has_account}
        return _form_page("auth/accept_invitation.html", form, **page)
    if has_account and not current_user.is_authenticated:
        flash(_("Log in with your account first, then open the invitation link again."), "info")
        return redirect(url_for("auth.login", next=request.path))
    return run_service(
        accept_invitation,
        token,
        full_name=form.full_name.data,
        password=form.password.data,
        locale=current_locale(),
        done=None,  # _enter says it
        back=url_for("main.home"),
        then=lambda user: _enter(user, _("Invitation accepted. Welcome!"), url_for("main.home")),
    )


# Staff: the people of the programme -------------------------------------------------


@bp.route("/staff/people")
@role_required(Role.STAFF)
def people():
    """Accounts by role (searchable, paginated), pending invitations, the invitation form."""
    role = request.args.get("role", TEAM)
    search = request.args.get("q", "").strip()[:100]
    page = db.paginate(accounts(role, search), page=wants_page(), per_page=50, error_out=False)
    return render_template(
        "auth/people.html",
        page=page,
        invitations=pending_invitations(),
        form=InviteForm(),
        role=role,
        search=search,
        roles=list(Role),
    )


@bp.route("/staff/people/invite", methods=["POST"])
@role_required(Role.STAFF)
def invite():
    """Send an invitation email."""
    form = InviteForm()
    return run_posted(
        form,
        invite_user,
        form.email.data,
        form.roles.data,
        done=_("Invitation sent to %(email)s.", email=form.email.data),
        back=url_for("auth.people"),
    )


@bp.route("/staff/people/<int:user_id>/active", methods=["POST"])
@role_required(Role.STAFF)
def set_user_active(user_id):
    """Deactivate or reactivate an account."""
    user = db.get_or_404(User, user_id)
    active = request.form.get("active") == "1"
    return run_service(
        set_active,
        user,
        active,
        done=_("Account reactivated.") if active else _("Account deactivated."),
        back=url_for("auth.people"),
    )
