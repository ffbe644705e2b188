"""One's own account (the home page, 工作台, is admin.workbench)."""

from flask import flash, redirect, url_for
from flask_admin import expose
from flask_login import login_user
from sqlalchemy import select

from admin.base import SecureBaseView, actor
from forms.auth import ChangePasswordForm, TokenForm
from zyperf.errors import NotFound, ValidationFailed
from zyperf.extensions import db
from zyperf.models import ApiToken
from zyperf.services import accounts


class AccountView(SecureBaseView):
    """我的账户: change password, make and revoke API tokens. Every logged-in user has one."""

    def is_accessible(self) -> bool:
        from flask_login import current_user

        return current_user.is_authenticated

    def _tokens(self, user):
        return db.session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())
        ).all()

    @expose("/", methods=["GET", "POST"])
    def index(self):
        user = actor()
        form = ChangePasswordForm(prefix="pw")
        status = 200
        if form.validate_on_submit():
            try:
                accounts.change_own_password(user, form.current_password.data, form.new_password.data)
            except ValidationFailed as err:
                db.session.rollback()
                for key, msgs in (err.fields or {}).items():
                    field = form.current_password if key == "current_password" else form.new_password
                    field.errors = list(field.errors) + msgs
                status = 422
            else:
                db.session.commit()
                login_user(user)  # the change ended every session; this one goes on
                flash("密码已修改，您在其他地方的登录已失效", "success")
                return redirect(url_for(".index"), code=303)
        elif form.is_submitted():
            status = 422
        return self.render(
            "admin/account.html",
            user=user,
            form=form,
            token_form=TokenForm(prefix="tk"),
            tokens=self._tokens(user),
            new_token=None,
        ), status

    @expose("/tokens", methods=["POST"])
    def create_token(self):
        user = actor()
        form = TokenForm(prefix="tk")
        if not form.validate_on_submit():
            flash("令牌用途不超过 100 字", "error")
            return redirect(url_for(".index"), code=303)
        token = accounts.create_token(user, name=form.name.data or "", actor=user)
        db.session.commit()
        # Shown once: only its hash is kept.
        return self.render(
            "admin/account.html",
            user=user,
            form=ChangePasswordForm(prefix="pw", formdata=None),
            token_form=TokenForm(prefix="tk", formdata=None),
            tokens=self._tokens(user),
            new_token=token,
        )

    @expose("/tokens/<int:token_id>/revoke", methods=["POST"])
    def revoke_token(self, token_id: int):
        user = actor()
        row = db.session.get(ApiToken, token_id)
        if row is None or row.user_id != user.id:
            raise NotFound()
        accounts.revoke_token(row, actor=user)
        db.session.commit()
        flash("令牌已作废", "success")
        return redirect(url_for(".index"), code=303)
