"""Working as a team: the secrets of the screening packages written for reviewers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from screener.store.models.base import Base


class PackageToken(Base):
    """One screening package written for a reviewer. The package carries a random secret;
    the project keeps only its SHA-256, so that reading the project never lets anyone
    forge a package. Merging needs the secret of a package issued to that reviewer."""

    __tablename__ = "package_token"
    id: Mapped[int] = mapped_column(primary_key=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("reviewer.id"), index=True)
    secret_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    file: Mapped[str] = mapped_column(String(300), default="")  # the package's base name
    created_at: Mapped[datetime] = mapped_column(DateTime)
    merged_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    merged_as: Mapped[str] = mapped_column(String(200), default="")  # the reviewer it was merged for
