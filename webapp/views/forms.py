"""The hand-written forms of the web pages (sign-in, new case, users, profile).  Record forms are
generated from the catalogue instead (:mod:`webapp.record_forms`).  Every form carries Flask-WTF's
CSRF token; :class:`CsrfOnly` is the token alone, for buttons such as 部署 and 退出.
"""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, PasswordField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from handlers.roles import ROLES
from webapp.accounts import policy

REQUIRED = "必填项"


class Form(FlaskForm):
    """Every page form: WTForms' own messages (a too-long value, an unknown choice) in its shipped Chinese
    translation, so no validator left without a message of ours answers in English."""

    class Meta:
        locales = ("zh",)


class CsrfOnly(Form):
    pass


class LoginForm(Form):
    username = StringField("用户名", validators=[DataRequired(REQUIRED), Length(max=64)])
    password = PasswordField("密码", validators=[DataRequired(REQUIRED), Length(max=256)])


class PasswordForm(Form):
    old_password = PasswordField("原密码", validators=[DataRequired(REQUIRED), Length(max=256)])
    new_password = PasswordField("新密码", validators=[DataRequired(REQUIRED), Length(max=256)])
    confirm = PasswordField("再次输入新密码", validators=[DataRequired(REQUIRED), Length(max=256)])


class NewCaseForm(Form):
    title = StringField("案由", validators=[DataRequired(REQUIRED), Length(max=300)])
    party_name = StringField("当事人", validators=[DataRequired(REQUIRED), Length(max=200)])
    process_id = SelectField("执法程序", validators=[DataRequired(REQUIRED)])
    emergency = BooleanField("情况紧急，先行启动（紧急情况下可先行启动，24 小时内补报）")  # article: cases.html


class MultiCheckbox(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class UserForm(Form):
    username = StringField("用户名", validators=[
        DataRequired(REQUIRED), Length(max=64),
        Regexp(r"^[A-Za-z0-9_.-]+$", message="用户名只能由字母、数字、点、下划线和连字符组成")])
    display_name = StringField("姓名", validators=[DataRequired(REQUIRED), Length(max=100)])
    password = PasswordField("初始密码（用户首次登录须修改）", validators=[Optional(), Length(max=256)])
    roles = MultiCheckbox("角色", choices=list(ROLES.items()))
    badge_no = StringField("执法证号", validators=[Optional(), Length(max=40)])
    badge_valid_until = DateField("执法证有效期至", validators=[Optional()])
    email = StringField("电子邮箱（接收通知，可空）", validators=[
        Optional(), Length(max=200), Regexp(r"^[^@\s]+@[^@\s]+$", message="电子邮箱地址无效")])
    active = BooleanField("启用", default=True)

    def validate_password(self, field: PasswordField) -> None:
        """The password policy (webapp.accounts.policy), the same as for the user's own change."""
        if field.data and (problems := policy().problems(field.data, self.username.data or "")):
            raise ValidationError("；".join(problems))


class ProfileForm(Form):
    profile = TextAreaField("机构配置（TOML，格式同 workflows/profiles/<代码>/profile.toml）", validators=[DataRequired(REQUIRED)])
