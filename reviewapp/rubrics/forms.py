"""The rubric editor: one row of fields per criterion."""

import re

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from reviewapp.formfields import BoundedIntegerField, FiniteFloatField

_LEVEL_RE = re.compile(r"^\s*(-?\d+)\s*(?:[:=—–]|-(?!\d))\s*(.+?)\s*$")


class CriterionRow(Form):
    id = HiddenField()
    name = StringField("Name", validators=[Optional(), Length(max=120)])
    description = TextAreaField("Description", validators=[Length(max=5000)], render_kw={"rows": 2})
    weight = FiniteFloatField("Weight", default=1.0, validators=[Optional(), NumberRange(min=0.01)])
    min = BoundedIntegerField("Min", default=1, validators=[Optional()])
    max = BoundedIntegerField("Max", default=5, validators=[Optional()])
    levels = TextAreaField(
        "Level descriptors",
        render_kw={"rows": 3},
        description='One per line, e.g. "5: exceptional".',
        validators=[Length(max=10000)],
    )
    required = BooleanField("Required", default=True)
    remove = BooleanField("Remove")


class RubricForm(FlaskForm):
    criteria = FieldList(FormField(CriterionRow), min_entries=1)
    add_row = SubmitField("Add a criterion")
    save = SubmitField("Save rubric")


class StartFromForm(FlaskForm):
    source = SelectField("Start from", validators=[InputRequired()])
    load = SubmitField("Load into the editor")


class UploadRubricForm(FlaskForm):
    file = FileField("YAML or JSON file", validators=[FileRequired()])
    submit = SubmitField("Load rubric file")


def parse_levels(text: str) -> dict[str, str]:
    """'5: exceptional' lines → {"5": "exceptional"}; other lines are ignored."""
    levels = {}
    for line in (text or "").splitlines():
        match = _LEVEL_RE.match(line)
        if match:
            levels[str(int(match.group(1)))] = match.group(2)
    return levels


def format_levels(levels: dict) -> str:
    items = sorted((levels or {}).items(), key=lambda kv: -int(kv[0]))
    return "\n".join(f"{k}: {v}" for k, v in items)


def row_data(criterion: dict) -> dict:
    """A criterion dict (file/template shape, or from the database) as editor row data."""
    return {
        "id": criterion.get("id") or "",
        "name": criterion.get("name", ""),
        "description": criterion.get("description", ""),
        "weight": criterion.get("weight", 1),
        "min": criterion.get("min", 1),
        "max": criterion.get("max", 5),
        "levels": format_levels(criterion.get("levels") or {}),
        "required": criterion.get("required", True),
    }


def criteria_from_form(form: RubricForm) -> list[dict]:
    """The rows the chair kept (named, not marked for removal) as criterion dicts."""
    result = []
    for entry in form.criteria.entries:
        row = entry.form
        if row.remove.data or not (row.name.data or "").strip():
            continue
        result.append(
            {
                "id": int(row.id.data) if (row.id.data or "").isdigit() else None,
                "name": row.name.data,
                "description": row.description.data or "",
                "weight": row.weight.data if row.weight.data is not None else 1,
                "min": row.min.data if row.min.data is not None else 1,
                "max": row.max.data if row.max.data is not None else 5,
                "levels": parse_levels(row.levels.data),
                "required": bool(row.required.data),
            }
        )
    return result
