"""Refuse NUL characters in request input before any view sees them.

No text a person types contains U+0000, PostgreSQL text columns cannot store it (psycopg raises
DataError: a 500 in a search box or a form), and several tools cut strings at it. So a query
string, form or JSON body holding one is answered 400 with a clear message, on every database
alike, and nothing is written.
"""

from flask import jsonify, request

from reviewapp.errors import render_error

MESSAGE = "The request contained a NUL character (U+0000), which no field accepts."


def _has_nul(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


def refuse_nul_characters():
    """before_request hook: 400 (JSON for JSON requests) when any input value holds a NUL."""
    sources = [request.args, request.form]
    if any(_has_nul(k) or _has_nul(v) for s in sources for k, v in s.items(multi=True)):
        return render_error(400, MESSAGE)
    if request.is_json and _has_nul(request.get_json(silent=True)):
        return jsonify(error=MESSAGE), 400
    return None
