from flask_wtf import FlaskForm
from wtforms import HiddenField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from reviewapp.discussion.operations import MAX_MESSAGE_LENGTH


class MessageForm(FlaskForm):
    body = TextAreaField(
        "Message to the committee",
        validators=[DataRequired("Write a message first."), Length(max=MAX_MESSAGE_LENGTH)],
        render_kw={"rows": 3, "maxlength": MAX_MESSAGE_LENGTH},
    )
    # The scoring page the message was written from, to go back to it.
    assignment_id = HiddenField()
    submit = SubmitField("Post message")
