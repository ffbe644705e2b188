"""Login and logout. Changing one's password lives on the account page (admin/pages.py)."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from forms.auth import LoginForm
from zyperf.auth import safe_next
from zyperf.extensions import db
from zyperf.services.accounts import LoginRefused, ThrottlePolicy, authenticate, log_out
from zyperf.services.settings import system_settings

bp = Blueprint("auth", __name__)


def _policy() -> ThrottlePolicy:
    cfg = current_app.config
    return ThrottlePolicy(cfg["LOGIN_SLOWDOWN_AFTER"], cfg["LOGIN_LOCK_AFTER"], cfg["LOGIN_LOCK_MINUTES"])


@bp.get("/")
def home():
    """The site's root is the home page inside the menu shell."""
    return redirect(url_for("admin.index"), code=303)


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next")) or ""
    if current_user.is_authenticated and request.method == "GET":
        return redirect(safe_next(request.args.get("next")) or url_for("admin.index"), code=303)
    error = None
    status = 200
    if form.validate_on_submit():
        try:
            user = authenticate(form.username.data, form.password.data, policy=_policy())
        except LoginRefused as refused:
            db.session.commit()  # keep the failure count
            error = refused.message
            status = refused.status
        else:
            db.session.commit()
            login_user(user)
            flash(f"欢迎，{user.display_name}", "success")
            return redirect(safe_next(form.next.data) or url_for("admin.index"), code=303)
    elif request.method == "POST":
        status = 400
    bureau_name = system_settings().bureau_name
    return render_template("auth/login.html", form=form, error=error, bureau_name=bureau_name), status


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        log_out(current_user._get_current_object())
        db.session.commit()
    logout_user()
    flash("您已退出登录", "info")
    return redirect(url_for("auth.login"), code=303)
