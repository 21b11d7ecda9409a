from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Email, EqualTo, Length

MIN_PASSWORD = 10


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1024)])
    remember = BooleanField("Keep me logged in on this computer")
    submit = SubmitField("Log in")


class SetPasswordForm(FlaskForm):
    password = PasswordField(
        "New password",
        validators=[DataRequired(), Length(min=MIN_PASSWORD, max=1024)],
        description=f"At least {MIN_PASSWORD} characters. A long passphrase is best.",
    )
    confirm = PasswordField(
        "Repeat the password",
        validators=[DataRequired(), EqualTo("password", message="The passwords differ.")],
    )
    submit = SubmitField("Set password")


class UserForm(FlaskForm):
    email = EmailField(
        "Email", validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)]
    )
    display_name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    institution = StringField("Institution", validators=[Length(max=255)])
    expertise = TextAreaField(
        "Expertise",
        validators=[Length(max=5000)],
        description="Research areas and keywords, used to match reviewers to candidates.",
    )
    is_admin = BooleanField("Administrator")
    submit = SubmitField("Save")
