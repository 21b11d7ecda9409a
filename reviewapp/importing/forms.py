from flask_wtf import FlaskForm
from flask_wtf.file import FileField, MultipleFileField
from wtforms import SubmitField
from wtforms.validators import DataRequired


class UploadForm(FlaskForm):
    files = MultipleFileField(
        "CV files or ZIP archives",
        validators=[DataRequired(message="Choose at least one file.")],
        description="PDF, Word (.docx), text, Markdown or HTML; ZIP archives are unpacked.",
    )
    manifest = FileField(
        "Manifest (optional)",
        description="CSV or XLSX with a file column, and name, email and any other columns.",
    )
    submit = SubmitField("Upload and import")


class ResumeForm(FlaskForm):
    """The resume button of an interrupted import (CSRF only)."""

    submit = SubmitField("Resume the import")
