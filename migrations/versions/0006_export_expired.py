"""exports: an 'expired' status for export jobs whose file was deleted as too old

Revision ID: 0006_export_expired
Revises: 0005_data_revision
Create Date: 2026-12-06 23:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_export_expired'
down_revision = '0005_data_revision'
branch_labels = None
depends_on = None

OLD = "status IN ('queued', 'running', 'done', 'failed')"
NEW = "status IN ('queued', 'running', 'done', 'failed', 'expired')"


def upgrade():
    with op.batch_alter_table('export_jobs', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_export_jobs_status'), type_='check')
        batch_op.create_check_constraint(op.f('ck_export_jobs_status'), sa.text(NEW))


def downgrade():
    # The old schema has no 'expired': such a job becomes a failed one that says why.
    op.execute(sa.text(
        "UPDATE export_jobs SET status = 'failed', "
        "error = 'The file was deleted as too old. Export again for a new one.' "
        "WHERE status = 'expired'"
    ))
    with op.batch_alter_table('export_jobs', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_export_jobs_status'), type_='check')
        batch_op.create_check_constraint(op.f('ck_export_jobs_status'), sa.text(OLD))
