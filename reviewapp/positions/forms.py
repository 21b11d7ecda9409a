from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, Regexp

from reviewapp.formfields import BoundedIntegerField
from reviewapp.positions.models import PositionStatus, Role, Visibility

VISIBILITY_CHOICES = [
    (Visibility.AFTER_OWN.value, "After submitting their own review (recommended)"),
    (Visibility.HIDDEN.value, "Never (only the chair sees all reviews)"),
    (Visibility.VISIBLE.value, "Always"),
]


class PositionForm(FlaskForm):
    slug = StringField(
        "Short name (slug)",
        validators=[
            DataRequired(),
            Regexp(
                r"^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$",
                message="Lower-case letters, digits and hyphens.",
            ),
        ],
        description="Used in links, e.g. cs-faculty-2027.",
    )
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    description = TextAreaField("Description", validators=[Length(max=10000)])
    submit = SubmitField("Create position")


class PositionSettingsForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    description = TextAreaField("Description", validators=[Length(max=10000)])
    status = SelectField(
        "Status", choices=[(s.value, s.value.capitalize()) for s in PositionStatus]
    )
    reviews_per_candidate = BoundedIntegerField(
        "Reviews per candidate", validators=[DataRequired(), NumberRange(1, 20)]
    )
    shortlist_size = BoundedIntegerField(
        "Shortlist size", validators=[DataRequired(), NumberRange(1, 1000)]
    )
    visibility = SelectField("Reviewers see others' reviews", choices=VISIBILITY_CHOICES)
    submit = SubmitField("Save settings")


class AddMemberForm(FlaskForm):
    email = EmailField(
        "Email", validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)]
    )
    display_name = StringField(
        "Name",
        validators=[Optional(), Length(max=200)],
        description="Needed only for someone without an account: they get an invitation link.",
    )
    role = SelectField(
        "Role", choices=[(Role.REVIEWER.value, "Reviewer"), (Role.CHAIR.value, "Chair")]
    )
    submit = SubmitField("Add to committee")
