"""ranking: positions.data_revision (the ranking cache's version) and cached rank intervals

Revision ID: 0005_data_revision
Revises: 0004_export_jobs
Create Date: 2026-11-23 14:50:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0005_data_revision'
down_revision = '0004_export_jobs'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('positions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('data_revision', sa.Integer(), server_default='0', nullable=False))

    op.create_table('ranking_intervals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('position_id', sa.Integer(), nullable=False),
    sa.Column('stage_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('data_revision', sa.Integer(), nullable=False),
    sa.Column('options', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('hidden_candidate_ids', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('result', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('queued', 'running', 'done', 'stale', 'failed')", name=op.f('ck_ranking_intervals_status')),
    sa.ForeignKeyConstraint(['position_id'], ['positions.id'], name=op.f('fk_ranking_intervals_position_id_positions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['stage_id'], ['stages.id'], name=op.f('fk_ranking_intervals_stage_id_stages'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ranking_intervals')),
    sa.UniqueConstraint('key', name=op.f('uq_ranking_intervals_key'))
    )
    with op.batch_alter_table('ranking_intervals', schema=None) as batch_op:
        batch_op.create_index('ix_ranking_intervals_position_id', ['position_id'], unique=False)


def downgrade():
    with op.batch_alter_table('ranking_intervals', schema=None) as batch_op:
        batch_op.drop_index('ix_ranking_intervals_position_id')

    op.drop_table('ranking_intervals')
    with op.batch_alter_table('positions', schema=None) as batch_op:
        batch_op.drop_column('data_revision')
