"""Who may see an export job and download its file."""

from reviewapp.candidates.permissions import hidden_candidate_ids
from reviewapp.ranking.permissions import can_view_ranking


def can_view_export_job(user, job) -> bool:
    """The requester, the position's other chairs and admins, while they may see the ranking.

    Seeing a job shows its options and state, never data; the file needs
    `can_download_export_job` as well.
    """
    return can_view_ranking(user, job.position)


def can_download_export_job(user, job) -> bool:
    """A finished file is built from what its requester could see: anyone who may see the job
    may download it unless a conflict hides from them a candidate the file contains (their
    conflicted candidates must all have been left out of it). Covers the requester's own
    conflicts declared after the export too."""
    if not can_view_export_job(user, job):
        return False
    return hidden_candidate_ids(user, job.position) <= set(job.hidden_candidate_ids or ())
