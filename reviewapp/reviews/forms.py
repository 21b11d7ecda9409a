"""The scoring form, generated from the rubric: one labelled control per criterion."""

from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import Select

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


class QuickSelect(Select):
    """WTForms' select with the same markup, each plain option written directly: the scoring
    page renders about a hundred options, and `html_params` formatting each one through
    Markup.format was the largest part of the page's rendering time."""

    @classmethod
    def render_option(cls, choice, **kwargs):
        if kwargs or choice.render_kw:
            return super().render_option(choice, **kwargs)
        value = str(choice.value) if isinstance(choice.value, bool) else choice.value
        selected = "selected " if choice.selected else ""
        label = escape(choice.label or choice.value)
        # Every interpolated part is escaped (value, label) or a constant.
        return Markup(f'<option {selected}value="{escape(value)}">{label}</option>')  # noqa: S704


class _ReviewFormBase(FlaskForm):
    recommendation = SelectField(
        "Overall recommendation",
        choices=RECOMMENDATION_CHOICES,
        validate_choice=False,
        widget=QuickSelect(),
    )
    confidence = SelectField(
        "Confidence", choices=CONFIDENCE_CHOICES, validate_choice=False, widget=QuickSelect()
    )
    comment = TextAreaField(
        "Comment to the committee", validators=[Length(max=20000)], render_kw={"rows": 4}
    )
    private_note = TextAreaField(
        "Private note to the chair", validators=[Length(max=20000)], render_kw={"rows": 2}
    )
    version = HiddenField()
    save_draft = SubmitField("Save draft")
    submit_review = SubmitField("Submit review")


def make_review_form(
    rubric: Rubric, review: Review | None = None, formdata=None, *, scores: dict | None = None
):
    """A form class with one select per criterion (label = criterion name; the level descriptors
    are the option texts), then recommendation, confidence, comment and private note.

    Values are validated by `validate_review`, not here, so both the browser form and the JSON
    autosave share one set of rules and messages. `scores` (criterion id -> value) replaces the
    review's own scores, for a review being moved onto another rubric version."""

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
                # Escaped here: bootstrap-flask renders field descriptions with |safe.
                description=escape(criterion.description or ""),
                render_kw={"aria-describedby": f"levels-{criterion.id}"},
                widget=QuickSelect(),
            ),
        )
    data = {}
    if review is not None and formdata is None:
        own = scores if scores is not None else {s.criterion_id: s.value for s in review.scores}
        data = {criterion_field_name(cid): str(value) for cid, value in own.items()}
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


NO_VERSION = -1  # matches no review


def expected_version(value) -> int:
    """The version the form was opened on; 0 means "no review yet".

    A missing or garbled version becomes NO_VERSION, which never matches an existing review:
    a request that does not say which version it edits is refused as stale, never allowed to
    skip the compare-and-set (None, "skip the check", is for imports only)."""
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return NO_VERSION


class DeclineForm(FlaskForm):
    reason = StringField("Reason", validators=[DataRequired(), Length(max=500)])
    submit = SubmitField("Decline this assignment")
