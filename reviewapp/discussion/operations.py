"""Posting, deleting and hiding thread messages. Flushes and audits; the caller commits."""

from sqlalchemy.orm import joinedload

from reviewapp import audit
from reviewapp.candidates.models import Candidate
from reviewapp.db import utcnow
from reviewapp.discussion.models import DiscussionMessage
from reviewapp.extensions import db

MAX_MESSAGE_LENGTH = 5000


class DiscussionError(ValueError):
    pass


def clean_body(body: str | None) -> str:
    """Line endings become "\\n" (CR/LF and lone CR from any browser); outer blank space goes.

    Raises DiscussionError when nothing is left or the message is too long."""
    text = (body or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise DiscussionError("Write a message first.")
    if len(text) > MAX_MESSAGE_LENGTH:
        raise DiscussionError(
            f"A message is at most {MAX_MESSAGE_LENGTH} characters (this one has {len(text)})."
        )
    return text


def post_message(*, candidate: Candidate, author, body: str) -> DiscussionMessage:
    message = DiscussionMessage(
        position_id=candidate.position_id,
        candidate_id=candidate.id,
        author_id=author.id,
        body=clean_body(body),
    )
    db.session.add(message)
    db.session.flush()
    audit.record(
        "discussion.post",
        message,
        actor=author,
        position=candidate.position_id,
        summary=f"message on candidate {candidate.id}",
        new={"candidate_id": candidate.id, "length": len(message.body)},
    )
    return message


def delete_message(*, message: DiscussionMessage, actor) -> None:
    """The author withdraws their message (kept in the table, gone from the thread)."""
    if message.deleted_at is not None or message.hidden_at is not None:
        raise DiscussionError("This message is no longer in the thread.")
    message.deleted_at = utcnow()
    db.session.flush()
    audit.record(
        "discussion.delete",
        message,
        actor=actor,
        summary=f"message on candidate {message.candidate_id}",
        old={"body": message.body},
    )


def hide_message(*, message: DiscussionMessage, actor) -> None:
    """The chair takes a message out of the thread for everyone."""
    if message.hidden_at is not None or message.deleted_at is not None:
        raise DiscussionError("This message is no longer in the thread.")
    message.hidden_at = utcnow()
    message.hidden_by_id = actor.id
    db.session.flush()
    audit.record(
        "discussion.hide",
        message,
        actor=actor,
        summary=f"message on candidate {message.candidate_id}",
        old={"body": message.body, "author_id": message.author_id},
    )


def thread(candidate: Candidate) -> list[DiscussionMessage]:
    """The visible messages of the candidate's thread, oldest first, authors loaded."""
    return list(
        db.session.scalars(
            db.select(DiscussionMessage)
            .options(joinedload(DiscussionMessage.author))
            .where(
                DiscussionMessage.candidate_id == candidate.id,
                DiscussionMessage.deleted_at.is_(None),
                DiscussionMessage.hidden_at.is_(None),
            )
            .order_by(DiscussionMessage.created_at, DiscussionMessage.id)
        )
    )
