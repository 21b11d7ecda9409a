from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

from reviewapp.stages.operations import MAX_NAME_LENGTH


class StageNameForm(FlaskForm):
    name = StringField(
        "Stage name",
        validators=[DataRequired("Give the stage a name."), Length(max=MAX_NAME_LENGTH)],
    )
    submit = SubmitField("Save")
