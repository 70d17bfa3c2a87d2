"""pack format 2: choices, electives, replaces, own thresholds, certification status,
the learner's stack

Revision ID: 0002_pack_format_2
Revises: 0001_initial
Create Date: 2026-11-30 04:50:00

Only adds: new nullable columns or ones with a server default, and one new table. No row
of a 0.1.0 database is changed here; the next pack sync fills the new columns.
"""
from alembic import op
import sqlalchemy as sa


revision = '0002_pack_format_2'
down_revision = '0001_initial'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('level', sa.Column('own_threshold', sa.Float(), nullable=True))
    op.add_column('milestone', sa.Column('elective', sa.Boolean(), nullable=False,
                                         server_default=sa.text('0')))
    op.add_column('milestone', sa.Column('replaces', sa.Text(), nullable=False,
                                         server_default='[]'))
    op.add_column('catalog_certification', sa.Column('status', sa.String(length=16),
                                                     nullable=False, server_default='active'))
    op.add_column('catalog_certification', sa.Column('retired_on', sa.String(length=10),
                                                     nullable=True))
    op.add_column('catalog_certification', sa.Column('replaced_by', sa.String(length=120),
                                                     nullable=True))
    op.add_column('catalog_certification', sa.Column('last_verified', sa.String(length=10),
                                                     nullable=True))
    op.add_column('profile', sa.Column('stack', sa.Text(), nullable=False,
                                       server_default='{}'))
    op.create_table('choice',
    sa.Column('id', sa.String(length=120), nullable=False),
    sa.Column('skill_id', sa.String(length=120), nullable=False),
    sa.Column('level_id', sa.String(length=120), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('weight', sa.Integer(), nullable=False),
    sa.Column('core', sa.Boolean(), nullable=False),
    sa.Column('options', sa.Text(), nullable=False),
    sa.Column('pick', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['level_id'], ['level.id'], name=op.f('fk_choice_level_id_level')),
    sa.ForeignKeyConstraint(['skill_id'], ['skill.id'], name=op.f('fk_choice_skill_id_skill')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_choice'))
    )


def downgrade() -> None:
    op.drop_table('choice')
    with op.batch_alter_table('profile') as b:
        b.drop_column('stack')
    with op.batch_alter_table('catalog_certification') as b:
        for col in ('last_verified', 'replaced_by', 'retired_on', 'status'):
            b.drop_column(col)
    with op.batch_alter_table('milestone') as b:
        b.drop_column('replaces')
        b.drop_column('elective')
    with op.batch_alter_table('level') as b:
        b.drop_column('own_threshold')
