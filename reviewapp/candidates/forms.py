from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import Length, Optional


class ProfileEditForm(FlaskForm):
    """The chair's corrections; a blank field goes back to the parsed value."""

    name = StringField("Name", validators=[Optional(), Length(max=200)])
    emails = TextAreaField(
        "E-mail addresses",
        validators=[Optional(), Length(max=2000)],
        description="One per line or separated by commas.",
    )
    phone = StringField("Phone", validators=[Optional(), Length(max=64)])
    position_title = StringField("Current position", validators=[Optional(), Length(max=200)])
    position_institution = StringField("Institution", validators=[Optional(), Length(max=200)])

    def changes(self) -> dict:
        emails = [e for e in (self.emails.data or "").replace(",", "\n").split() if e]
        return {
            "name": self.name.data or "",
            "emails": emails,
            "phone": self.phone.data or "",
            "current_position": {
                "title": self.position_title.data or "",
                "institution": self.position_institution.data or "",
            },
        }


class ActionForm(FlaskForm):
    """A button that posts: only the CSRF token."""
