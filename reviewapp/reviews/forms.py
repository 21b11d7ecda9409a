"""The scoring form, generated from the rubric: one labelled control per criterion."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from reviewapp.reviews.models import Recommendation, Review
from reviewapp.reviews.operations import ReviewInput
from reviewapp.rubrics.models import Rubric

RECOMMENDATION_CHOICES = [("", "—")] + [(r.value, r.label) for r in Recommendation]
CONFIDENCE_CHOICES = [("", "—"), ("1", "1 · low"), ("2", "2 · medium"), ("3", "3 · high")]


def criterion_field_name(criterion_id: int) -> str:
    return f"criterion_{criterion_id}"


def _level_choices(criterion) -> list[tuple[str, str]]:
    choices = [("", "—")]
    for value in range(criterion.scale_max, criterion.scale_min - 1, -1):
        text = (criterion.levels or {}).get(str(value))
        choices.append((str(value), f"{value} — {text}" if text else str(value)))
    return choices


class _ReviewFormBase(FlaskForm):
    recommendation = SelectField(
        "Overall recommendation", choices=RECOMMENDATION_CHOICES, validate_choice=False
    )
    confidence = SelectField("Confidence", choices=CONFIDENCE_CHOICES, validate_choice=False)
    comment = TextAreaField(
        "Comment to the committee", validators=[Length(max=20000)], render_kw={"rows": 4}
    )
    private_note = TextAreaField(
        "Private note to the chair", validators=[Length(max=20000)], render_kw={"rows": 2}
    )
    version = HiddenField()
    save_draft = SubmitField("Save draft")
    submit_review = SubmitField("Submit review")


def make_review_form(rubric: Rubric, review: Review | None = None, formdata=None):
    """A form class with one select per criterion (label = criterion name; the level descriptors
    are the option texts), then recommendation, confidence, comment and private note.

    Values are validated by `validate_review`, not here, so both the browser form and the JSON
    autosave share one set of rules and messages."""

    class ReviewForm(_ReviewFormBase):
        pass

    for criterion in rubric.criteria:
        setattr(
            ReviewForm,
            criterion_field_name(criterion.id),
            SelectField(
                criterion.name,
                choices=_level_choices(criterion),
                validate_choice=False,
                description=criterion.description,
                render_kw={"aria-describedby": f"levels-{criterion.id}"},
            ),
        )
    data = {}
    if review is not None and formdata is None:
        data = {criterion_field_name(s.criterion_id): str(s.value) for s in review.scores}
        data.update(
            recommendation=review.recommendation or "",
            confidence=str(review.confidence or ""),
            comment=review.comment,
            private_note=review.private_note,
        )
    form = ReviewForm(formdata=formdata, data=data)
    if formdata is None:
        form.version.data = str(review.version if review is not None else 0)
    return form


def review_input(rubric: Rubric, values) -> ReviewInput:
    """Only the rubric's criteria and the four review fields are read: any other key a client
    sends (reviewer_id, assignment_id, status...) is ignored."""
    return ReviewInput(
        scores={c.id: values.get(criterion_field_name(c.id)) for c in rubric.criteria},
        recommendation=(values.get("recommendation") or None),
        confidence=values.get("confidence"),
        comment=str(values.get("comment") or "")[:20000],
        private_note=str(values.get("private_note") or "")[:20000],
    )


def expected_version(value) -> int | None:
    """The version the form was opened on; 0 means "no review yet"."""
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


class DeclineForm(FlaskForm):
    reason = StringField("Reason", validators=[DataRequired(), Length(max=500)])
    submit = SubmitField("Decline this assignment")
