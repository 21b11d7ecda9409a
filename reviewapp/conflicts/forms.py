from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from reviewapp.conflicts.operations import KINDS

KIND_CHOICES = [(k, k.capitalize()) for k in KINDS]


class AddConflictForm(FlaskForm):
    reviewer = SelectField("Committee member", coerce=int)
    candidate = SelectField("Candidate", coerce=int)
    kind = SelectField("Kind", choices=KIND_CHOICES, default="other")
    reason = StringField("Reason", validators=[Length(max=2000)])
    submit = SubmitField("Add conflict")


class DeclareConflictForm(FlaskForm):
    kind = SelectField("Kind", choices=KIND_CHOICES, default="other")
    reason = StringField("Reason", validators=[DataRequired(), Length(max=2000)])
    submit = SubmitField("Declare a conflict")
