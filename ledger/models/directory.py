"""The table whose token says the customer directory changed (see ``ledger.directory``).

Free of ``matching`` imports, like every model module (scripts in ``bench/`` have a
``matching.py`` of their own first on the path).
"""

from __future__ import annotations

from sqlalchemy import BigInteger
from sqlalchemy.orm import Mapped, mapped_column

from ledger.base import Base

#: The table's only row.
TOKEN_ROW = 1


class DirectoryVersion(Base):
    """One row whose ``token`` changes, by trigger, whenever customers or contacts do
    (migration ``0011_speed``)."""

    __tablename__ = "directory_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[int] = mapped_column(BigInteger)
