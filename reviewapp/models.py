"""Every model, imported in one place so Alembic and the shell see the whole schema."""

from reviewapp.assignments.models import Assignment
from reviewapp.audit import AuditEvent
from reviewapp.auth.models import Invitation, LoginAttempt, User
from reviewapp.candidates.models import Candidate, Document, ExtractionStatus
from reviewapp.conflicts.models import Conflict, ConflictSource, ConflictStatus
from reviewapp.importing.models import DuplicatePair, ImportBatch, ImportItem
from reviewapp.positions.models import (
    Membership,
    Position,
    PositionStatus,
    Role,
    Stage,
    StageCandidate,
    Visibility,
)
from reviewapp.reviews.models import Recommendation, Review, ReviewStatus, Score
from reviewapp.rubrics.models import Criterion, Rubric

__all__ = [
    "Assignment",
    "AuditEvent",
    "Candidate",
    "Conflict",
    "ConflictSource",
    "ConflictStatus",
    "Criterion",
    "Document",
    "DuplicatePair",
    "ExtractionStatus",
    "ImportBatch",
    "ImportItem",
    "Invitation",
    "LoginAttempt",
    "Membership",
    "Position",
    "PositionStatus",
    "Recommendation",
    "Review",
    "ReviewStatus",
    "Role",
    "Rubric",
    "Score",
    "Stage",
    "StageCandidate",
    "User",
    "Visibility",
]
