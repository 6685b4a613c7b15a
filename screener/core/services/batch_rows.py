"""Finding the batch an import adds to, or a deletion removes, with its row locked so
that the two follow each other on a server.

An import adding files to batch X holds a share lock on X's row (``FOR KEY SHARE``, what
its records' foreign keys take anyway, taken at once) until it commits; deleting X locks
X's row (``FOR UPDATE``) before it reads X's records. Whichever comes second waits: a
deletion then sees, and deletes, the records just imported; an import then finds X gone
and refuses with nothing written, instead of the database refusing its first insert. Two
imports into one batch do not wait for each other. A project file needs no lock: its
writing transactions already exclude each other (BEGIN IMMEDIATE), so there X is found
or not, once."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from screener.store.models import Batch
from screener.types import ScreenerError


def batch_to_add_to(s: Session, batch_id: int) -> Batch:
    """Batch ``batch_id``, share-locked until the transaction ends; raises a
    ScreenerError if there is none, or if it was deleted while this waited for it."""
    found = s.get(Batch, batch_id)
    if found is None:
        raise ScreenerError(f"no batch {batch_id}")
    if s.scalar(select(Batch.id).where(Batch.id == batch_id).with_for_update(read=True, key_share=True)) is None:
        raise ScreenerError(f"batch {batch_id} was deleted while importing; nothing was imported")
    return found


def batch_to_delete(s: Session, batch_id: int) -> Batch | None:
    """Batch ``batch_id`` locked for deletion (after any import into it has committed),
    or None if there is none."""
    return s.get(Batch, batch_id, with_for_update=True)
