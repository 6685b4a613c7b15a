"""SQLAlchemy models: the project file's schema, one module per part of the review.

One schema for SQLite and PostgreSQL. Migrations in ``store/migrations`` build it;
``Base.metadata`` is the reference they are checked against in the tests. Importing this
package registers every table, and the hook that keeps control characters out of them.
"""

from screener.store import clean_text  # noqa: F401  (strips control characters before each flush)
from screener.store.models.attachments import StoredPdf
from screener.store.models.base import Base
from screener.store.models.dedup import DuplicatePair
from screener.store.models.events import Event
from screener.store.models.project import (
    Criterion,
    ExclusionReason,
    HighlightTerm,
    PrismaManual,
    Project,
    Reviewer,
)
from screener.store.models.records import Batch, Record, RecordNote, RecordTag, SourceFile
from screener.store.models.screening import Decision, Resolution, Retrieval, StageStatus
from screener.store.models.stopping import (
    StoppingDecision,
    StoppingLeft,
    StoppingSample,
    StoppingSampleRecord,
)
from screener.store.models.team import PackageToken
from screener.store.models.workspace import Assignment, Label, RecordLabel

__all__ = [
    "Assignment",
    "Base",
    "Batch",
    "Criterion",
    "Decision",
    "DuplicatePair",
    "Event",
    "ExclusionReason",
    "HighlightTerm",
    "Label",
    "PrismaManual",
    "PackageToken",
    "Project",
    "Record",
    "RecordLabel",
    "RecordNote",
    "RecordTag",
    "Resolution",
    "Retrieval",
    "Reviewer",
    "SourceFile",
    "StageStatus",
    "StoppingDecision",
    "StoppingLeft",
    "StoppingSample",
    "StoppingSampleRecord",
    "StoredPdf",
]
