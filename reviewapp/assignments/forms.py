from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SubmitField
from wtforms.validators import NumberRange, Optional

from reviewapp.formfields import BoundedIntegerField


class AutoAssignForm(FlaskForm):
    per_candidate = BoundedIntegerField("Reviewers per candidate", validators=[NumberRange(1, 50)])
    max_load = BoundedIntegerField(
        "Maximum load per reviewer",
        validators=[Optional(), NumberRange(1, 100000)],
        description="Leave empty for an even share.",
    )
    preview = SubmitField("Propose")
    apply = SubmitField("Apply this assignment")


class ImportAssignmentsForm(FlaskForm):
    file = FileField("CSV or XLSX with columns candidate, reviewer", validators=[FileRequired()])
    submit = SubmitField("Import assignments")


class ImportScoresForm(FlaskForm):
    file = FileField(
        "CSV or XLSX with columns candidate, reviewer, one per criterion",
        validators=[FileRequired()],
        description="Optional columns: recommendation, confidence, comment.",
    )
    submit = SubmitField("Import scores")
