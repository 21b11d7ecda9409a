"""The filtered audit log as CSV bytes, every text field neutralised for spreadsheets."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable

from reviewapp.auditlog.queries import EventRow
from reviewapp.exports.safe import csv_text

HEADERS = [
    "Time (UTC)",
    "Actor",
    "Actor e-mail",
    "Position",
    "Action",
    "Object",
    "Candidate",
    "Summary",
    "Before",
    "After",
]


def changes_text(values: dict | None) -> str:
    if values is None:
        return ""
    return json.dumps(values, ensure_ascii=False, sort_keys=True, default=str)


def audit_csv(rows: Iterable[EventRow]) -> bytes:
    """UTF-8 with a byte-order mark (Excel), CRLF lines; `csv_text` on every text field."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(HEADERS)
    for row in rows:
        event = row.event
        obj = f"{event.object_type} {event.object_id}" if event.object_type else ""
        writer.writerow(
            [
                event.created_at.strftime("%Y-%m-%d %H:%M:%S"),
                csv_text(row.actor.display_name if row.actor else "system"),
                csv_text(row.actor.email if row.actor else ""),
                csv_text(row.position.slug if row.position else ""),
                csv_text(event.action),
                csv_text(obj.strip()),
                csv_text(row.candidate.name if row.candidate else ""),
                csv_text(row.summary),
                csv_text(changes_text(row.old)),
                csv_text(changes_text(row.new)),
            ]
        )
    return buffer.getvalue().encode("utf-8-sig")
