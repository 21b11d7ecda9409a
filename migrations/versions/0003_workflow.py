"""workflow: discussion threads, rubric update requests, current stage

Revision ID: 0003_workflow
Revises: 0002_imports
Create Date: 2026-11-23 13:50:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0003_workflow'
down_revision = '0002_imports'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('discussion_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('position_id', sa.Integer(), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('hidden_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('hidden_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_discussion_messages_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['candidate_id'], ['candidates.id'], name=op.f('fk_discussion_messages_candidate_id_candidates'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['hidden_by_id'], ['users.id'], name=op.f('fk_discussion_messages_hidden_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['position_id'], ['positions.id'], name=op.f('fk_discussion_messages_position_id_positions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_discussion_messages'))
    )
    with op.batch_alter_table('discussion_messages', schema=None) as batch_op:
        batch_op.create_index('ix_discussion_messages_candidate_id_created_at', ['candidate_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_discussion_messages_position_id'), ['position_id'], unique=False)

    op.create_table('review_update_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('rubric_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_review_update_requests_requested_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['review_id'], ['reviews.id'], name=op.f('fk_review_update_requests_review_id_reviews'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['rubric_id'], ['rubrics.id'], name=op.f('fk_review_update_requests_rubric_id_rubrics'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_update_requests')),
    sa.UniqueConstraint('review_id', 'rubric_id', name=op.f('uq_review_update_requests_review_id_rubric_id'))
    )
    with op.batch_alter_table('review_update_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_update_requests_review_id'), ['review_id'], unique=False)

    with op.batch_alter_table('stages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_current', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('stages', schema=None) as batch_op:
        batch_op.drop_column('is_current')

    with op.batch_alter_table('review_update_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_update_requests_review_id'))

    op.drop_table('review_update_requests')
    with op.batch_alter_table('discussion_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_discussion_messages_position_id'))
        batch_op.drop_index('ix_discussion_messages_candidate_id_created_at')

    op.drop_table('discussion_messages')
