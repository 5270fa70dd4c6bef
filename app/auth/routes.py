"""Log in and out, register, passwords, invitations, and the staff's people page."""

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import func, or_, select

from app.auth import bp
from app.auth.forms import (
    AcceptInvitationForm,
    ChangePasswordForm,
    ForgotPasswordForm,
    InviteForm,
    LoginForm,
    RegisterForm,
    ResetPasswordForm,
)
from app.auth.models import AccountToken, Role, RoleGrant, TokenPurpose, User
from app.auth.services import (
    AccountError,
    accept_invitation,
    authenticate,
    change_password,
    find_usable_token,
    invite_user,
    register_applicant,
    request_password_reset,
    set_active,
)
from app.auth.services import (
    reset_password as use_reset_link,
)
from app.common.access import role_required, safe_next_url, wants_page
from app.common.clock import utcnow
from app.common.limits import LOGIN_LIMIT, PASSWORD_RESET_LIMIT, REGISTER_LIMIT, rate_limit
from app.extensions import db
from app.i18n import current_locale


@bp.route("/login", methods=["GET", "POST"])
@rate_limit(LOGIN_LIMIT, methods=["POST"])
def login():
    """Log in with email and password."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is None:
            db.session.rollback()
            flash(_("Email address or password not correct, or account deactivated."), "error")
        else:
            db.session.commit()
            session.clear()
            login_user(user)
            session["locale"] = user.locale
            return redirect(safe_next_url(request.args.get("next")) or url_for("main.home"))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    """Log out, ending every session of this account."""
    if current_user.is_authenticated:
        current_user.end_all_sessions()
        db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/register", methods=["GET", "POST"])
@rate_limit(REGISTER_LIMIT, methods=["POST"])
def register():
    """Create an applicant account."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = register_applicant(
                form.email.data, form.full_name.data, form.password.data, locale=form.locale.data
            )
        except AccountError as error:
            db.session.rollback()
            form.email.errors.append(str(error))
        else:
            db.session.commit()
            login_user(user)
            session["locale"] = user.locale
            flash(_("Welcome! Your account is ready."), "success")
            return redirect(url_for("main.home"))
    return render_template("auth/register.html", form=form)


@bp.route("/password/forgot", methods=["GET", "POST"])
@rate_limit(PASSWORD_RESET_LIMIT, methods=["POST"])
def forgot_password():
    """Ask for a password reset link."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        request_password_reset(form.email.data)
        db.session.commit()
        flash(
            _("If an account exists for this address, a reset link is on its way. It works once."),
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@rate_limit(PASSWORD_RESET_LIMIT, methods=["POST"])
def reset_password(token):
    """Choose a new password from an emailed link."""
    if find_usable_token(token, TokenPurpose.RESET) is None:
        flash(_("This link is invalid or has expired. Ask for a new one."), "error")
        return redirect(url_for("auth.forgot_password"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            use_reset_link(token, form.password.data)
        except AccountError as error:
            db.session.rollback()
            flash(str(error), "error")
            return redirect(url_for("auth.forgot_password"))
        db.session.commit()
        logout_user()
        flash(_("Your password is changed. Log in with the new one."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form)


@bp.route("/account/password", methods=["GET", "POST"], endpoint="change_password")
@login_required
def change_password_view():
    """Change one's own password."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            change_password(current_user, form.current_password.data, form.password.data)
        except AccountError as error:
            db.session.rollback()
            form.current_password.errors.append(str(error))
        else:
            db.session.commit()
            login_user(current_user._get_current_object())  # this session stays, others end
            flash(_("Your password is changed. Your other sessions are logged out."), "success")
            return redirect(url_for("main.home"))
    return render_template("auth/change_password.html", form=form)


@bp.route("/invitations/<token>", methods=["GET", "POST"], endpoint="accept_invitation")
def accept_invitation_view(token):
    """Accept an invitation: create the account or add the roles to one's own."""
    invitation = find_usable_token(token, TokenPurpose.INVITATION)
    if invitation is None:
        flash(_("This invitation is invalid or has expired. Ask staff for a new one."), "error")
        return redirect(url_for("auth.login"))
    has_account = invitation.user_id is not None or db.session.scalar(
        select(User.id).where(User.email == invitation.email)
    )
    form = AcceptInvitationForm()
    if request.method == "POST" and (has_account or form.validate_on_submit()):
        if has_account and not current_user.is_authenticated:
            flash(_("Log in with your account first, then open the invitation link again."), "info")
            return redirect(url_for("auth.login", next=request.path))
        try:
            user = accept_invitation(
                token,
                full_name=form.full_name.data,
                password=form.password.data,
                current=current_user,
                locale=current_locale(),
            )
        except AccountError as error:
            db.session.rollback()
            flash(str(error), "error")
            return redirect(url_for("main.home"))
        db.session.commit()
        login_user(user)
        flash(_("Invitation accepted. Welcome!"), "success")
        return redirect(url_for("main.home"))
    return render_template(
        "auth/accept_invitation.html", form=form, invitation=invitation, has_account=has_account
    )


# Staff: the people of the programme -------------------------------------------------


@bp.route("/staff/people")
@role_required(Role.STAFF)
def people():
    """Accounts by role (searchable, paginated), pending invitations, the invitation form."""
    role = request.args.get("role", "team")
    search = request.args.get("q", "").strip()[:100]
    query = select(User)
    if role == "team":
        query = query.where(User.grants.any(RoleGrant.role != Role.APPLICANT))
    elif role in set(Role):
        query = query.where(User.grants.any(RoleGrant.role == role))
    if search:
        pattern = f"%{search.lower()}%"
        query = query.where(
            or_(func.lower(User.email).like(pattern), func.lower(User.full_name).like(pattern))
        )
    page = db.paginate(query.order_by(User.email), page=wants_page(), per_page=50, error_out=False)
    invitations = db.session.scalars(
        select(AccountToken)
        .where(
            AccountToken.purpose == TokenPurpose.INVITATION,
            AccountToken.used_at.is_(None),
            AccountToken.expires_at > utcnow(),
        )
        .order_by(AccountToken.created_at.desc())
    ).all()
    return render_template(
        "auth/people.html",
        page=page,
        invitations=invitations,
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
    if form.validate_on_submit():
        try:
            invite_user(form.email.data, form.roles.data, actor=current_user)
        except AccountError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("Invitation sent to %(email)s.", email=form.email.data), "success")
            return redirect(url_for("auth.people"))
    for errors in form.errors.values():
        for error in errors:
            flash(error, "error")
    return redirect(url_for("auth.people"))


@bp.route("/staff/people/<int:user_id>/active", methods=["POST"])
@role_required(Role.STAFF)
def set_user_active(user_id):
    """Deactivate or reactivate an account."""
    user = db.get_or_404(User, user_id)
    active = request.form.get("active") == "1"
    try:
        set_active(user, active, actor=current_user)
    except AccountError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        message = _("Account reactivated.") if active else _("Account deactivated.")
        flash(message, "success")
    return redirect(url_for("auth.people"))
