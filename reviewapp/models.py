"""Every model, imported in one place so Alembic and the shell see the whole schema."""

from reviewapp.assignments.models import Assignment
from reviewapp.audit import AuditEvent
from reviewapp.auth.models import Invitation, LoginAttempt, User
from reviewapp.candidates.models import Candidate, Document, ExtractionStatus
from reviewapp.conflicts.models import Conflict, ConflictSource, ConflictStatus
from reviewapp.discussion.models import DiscussionMessage
from reviewapp.exports.models import ExportJob, ExportStatus
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
from reviewapp.ranking import revision as _ranking_revision  # noqa: F401  (the bump listener)
from reviewapp.ranking.models import IntervalStatus, RankingInterval
from reviewapp.reviews.models import (
    Recommendation,
    Review,
    ReviewStatus,
    ReviewUpdateRequest,
    Score,
)
from reviewapp.rubrics.models import Criterion, Rubric

__all__ = [
    "Assignment",
    "AuditEvent",
    "Candidate",
    "Conflict",
    "ConflictSource",
    "ConflictStatus",
    "Criterion",
    "DiscussionMessage",
    "Document",
    "DuplicatePair",
    "ExportJob",
    "ExportStatus",
    "ExtractionStatus",
    "ImportBatch",
    "ImportItem",
    "IntervalStatus",
    "Invitation",
    "LoginAttempt",
    "Membership",
    "Position",
    "PositionStatus",
    "RankingInterval",
    "Recommendation",
    "Review",
    "ReviewStatus",
    "ReviewUpdateRequest",
    "Role",
    "Rubric",
    "Score",
    "Stage",
    "StageCandidate",
    "User",
    "Visibility",
]
