"""Phone pairings in the database, so that every web process of the clinic stack accepts a
pairing another one issued.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "phone_pairings",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("pairing_id", sa.String(32), nullable=False),
        sa.Column(
            "person_id",
            sa.Integer(),
            sa.ForeignKey("people.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("test", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
    )
    op.create_index("ix_phone_pairings_pairing_id", "phone_pairings", ["pairing_id"], unique=True)
    op.create_index("ix_phone_pairings_account_id", "phone_pairings", ["account_id"])
    op.create_index("ix_phone_pairings_person_id", "phone_pairings", ["person_id"])


def downgrade() -> None:
    op.drop_table("phone_pairings")
