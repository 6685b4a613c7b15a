"""The order of a reviewer's queue: relevance, file order, or random.

Which decisions the model learns from (``training_set``):

* in a blind project, only the reviewer's own decisions at the stage, so the order leaks
  nothing of what another reviewer decided;
* otherwise the final decisions at the stage (included, excluded).

"Maybe" teaches nothing. Relevance needs at least one include and one exclude; before
that the order is the file order and ``TrainingSet.why_not`` says why. Automation never
decides: it only orders what the reviewer still has to decide.

The model's features are built from every record that reached title/abstract screening
(not the duplicates), so the GUI (which builds them once, in a separate process) and the
``records --order relevance`` command rank alike.

Random order sorts by a hash of (seed, record id), so a record's place among any others is
the same whatever else is in the list: the same seed gives the same order, and a decision
or an import does not reshuffle the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from sqlalchemy import select

from screener.core.ranking_subsample import training_labels
from screener.core.services.base import Service, get_reviewer
from screener.core.services.screening import check_stage
from screener.store.models import Decision, Project, Record, SourceFile, StageStatus
from screener.types import Progress, ScreenerError, Stage, Status

if TYPE_CHECKING:
    from screener.core.ranking_cache import ProjectFeatures

ORDERS = ("relevance", "file", "random")
TEXT_CHUNK = 2000  # records' texts read (and sent to the ranking process) at a time


@dataclass(frozen=True)
class TrainingSet:
    """What the relevance order rests on: record id -> 1 (include) or 0 (exclude)."""

    labels: dict[int, int] = field(default_factory=dict)
    own: bool = False  # the reviewer's own decisions (a blind project), not final ones
    reviewer: str = ""

    @property
    def includes(self) -> int:
        return sum(1 for y in self.labels.values() if y)

    @property
    def excludes(self) -> int:
        return len(self.labels) - self.includes

    @property
    def ready(self) -> bool:
        """One include and one exclude: enough for the model to rank."""
        return self.includes > 0 and self.excludes > 0

    def why_not(self) -> str:
        """Why the list is not ranked yet ("" when it is)."""
        if self.ready:
            return ""
        whose = "your decisions" if self.own else "the final decisions"
        return (f"not ranked yet: relevance starts after one include and one exclude among "
                f"{whose} ({_n(self.includes, 'include')}, "
                f"{_n(self.excludes, 'exclude')} so far)")

    def describe(self) -> str:
        """What the order rests on, e.g. "ranked by relevance · trained on 212 decisions (9 includes)"."""
        if not self.ready:
            return self.why_not()
        return (f"ranked by relevance · trained on {_n(len(self.labels), 'decision')} "
                f"({_n(self.includes, 'include')})")


def _n(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def check_order(order: str) -> str:
    if order not in ORDERS:
        raise ScreenerError(f"order must be one of {', '.join(ORDERS)}, not {order!r}")
    return order


def random_keys(ids: Sequence[int] | np.ndarray, seed: int) -> np.ndarray:
    """A pseudo-random 64-bit key per record id (splitmix64 of seed and id)."""
    x = np.asarray(ids, dtype=np.uint64) + np.uint64((seed * 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def random_order(ids: Sequence[int], seed: int) -> list[int]:
    """``ids`` in the random order of ``seed`` (the same seed, the same order)."""
    arr = np.asarray(ids, dtype=np.int64)
    if len(arr) == 0:
        return []
    return arr[np.argsort(random_keys(arr, seed), kind="stable")].tolist()  # type: ignore[no-any-return]


class QueueOrderService(Service):
    def training_set(self, stage: str = Stage.TITLE_ABSTRACT.value, reviewer: str | None = None) -> TrainingSet:
        """The decisions the relevance order learns from (see the module docstring)."""
        stage = check_stage(stage)
        with self.reading() as s:
            project = s.get(Project, 1)
            blind = True if project is None else bool(project.blind)
            if reviewer and blind:
                me = get_reviewer(s, reviewer)
                rows = s.execute(
                    select(Decision.record_id, Decision.decision)
                    .join(StageStatus, (StageStatus.record_id == Decision.record_id) & (StageStatus.stage == stage))
                    .where(Decision.reviewer_id == me.id, Decision.stage == stage,
                           Decision.decision.in_(("include", "exclude")),
                           StageStatus.status != Status.DUPLICATE.value)
                ).all()
                return TrainingSet({rid: int(d == "include") for rid, d in rows}, own=True, reviewer=reviewer)
            rows = s.execute(
                select(StageStatus.record_id, StageStatus.status).where(
                    StageStatus.stage == stage,
                    StageStatus.status.in_((Status.INCLUDED.value, Status.EXCLUDED.value)))
            ).all()
            return TrainingSet({rid: int(st == Status.INCLUDED.value) for rid, st in rows},
                               reviewer=reviewer or "")

    def feature_ids(self) -> list[int]:
        """The records the model's features are built from: all but the duplicates, by id."""
        with self.reading() as s:
            return list(s.scalars(
                select(StageStatus.record_id).where(
                    StageStatus.stage == Stage.TITLE_ABSTRACT.value,
                    StageStatus.status != Status.DUPLICATE.value)
                .order_by(StageStatus.record_id)))

    def identity(self) -> str:
        """What names this project for its feature cache: the file's full path, or the server's
        URL (without a password) for a team project."""
        if self.store.is_sqlite:
            return "sqlite:" + str(Path(self.store.target).resolve())
        from screener.core.connection import without_password

        return "server:" + without_password(str(self.store.target))

    def feature_rows(self) -> tuple[np.ndarray, np.ndarray]:
        """The records the features are built from (``feature_ids``) and their signatures
        (``ranking_cache.signatures``: source file and position, so a reused id is noticed)."""
        from screener.core.ranking_cache import signatures

        with self.reading() as s:
            files = dict(s.execute(select(SourceFile.id, SourceFile.sha256)).all())
            rows = s.execute(
                select(StageStatus.record_id, Record.file_id, Record.position)
                .join(Record, Record.id == StageStatus.record_id)
                .where(StageStatus.stage == Stage.TITLE_ABSTRACT.value,
                       StageStatus.status != Status.DUPLICATE.value)
                .order_by(StageStatus.record_id)).all()
        ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        digests = [files.get(r[1], "") for r in rows]
        positions = np.fromiter((r[2] for r in rows), dtype=np.int64, count=len(rows))
        return ids, signatures(digests, positions)

    def features(self, stop: Callable[[], bool] = lambda: False,
                 held: ProjectFeatures | None = None) -> Iterator[Progress | ProjectFeatures]:
        """The model's features of this project: from ``held`` or this machine's cache file,
        brought up to date (records imported since are added, not everything rebuilt) and
        saved. Yields progress, and last the features (``ranking_cache.prepared``)."""
        from screener.core.ranking_cache import cache_path, prepared

        ids, sigs = self.feature_rows()
        identity = self.identity()
        yield from prepared(cache_path(identity), identity, ids, sigs, self.texts, held, stop)

    def texts(self, ids: Sequence[int], chunk: int = TEXT_CHUNK) -> Iterator[tuple[list[int], list[str]]]:
        """The text the model reads for each record, ``chunk`` records at a time."""
        from screener.core.ranking import record_text

        for start in range(0, len(ids), chunk):
            part = list(ids[start:start + chunk])
            with self.reading() as s:
                found = {rid: record_text(t, a) for rid, t, a in s.execute(
                    select(Record.id, Record.title, Record.abstract).where(Record.id.in_(part)))}
            yield [rid for rid in part if rid in found], [found[rid] for rid in part if rid in found]

    def order(self, ids: Sequence[int], order: str, *, stage: str = Stage.TITLE_ABSTRACT.value,
              reviewer: str | None = None, seed: int = 1) -> tuple[list[int], TrainingSet | None]:
        """``ids`` (a list in file order) in ``order``, ranked here in this process; with
        relevance, also the training set it rests on (file order until it is ``ready``)."""
        check_order(order)
        if order == "file":
            return list(ids), None
        if order == "random":
            return random_order(ids, seed), None
        training = self.training_set(stage, reviewer)
        if not training.ready or not ids:
            return list(ids), training
        from screener.core.ranking import Ranker

        pf = None
        for item in self.features():
            if not isinstance(item, Progress):
                pf = item
        assert pf is not None
        return rank_ids(Ranker.from_features(pf.features), pf.index(), training.labels, ids), training


def rank_ids(ranker, index: dict[int, int], labels: dict[int, int],  # type: ignore[no-untyped-def]
             candidates: Sequence[int]) -> list[int]:
    """``candidates`` (record ids) most likely relevant first, ties in their given order;
    ``index`` maps a record id to its row in the ranker's features. A candidate the ranker
    has no row for goes last."""
    known = [rid for rid in candidates if rid in index]
    unknown = [rid for rid in candidates if rid not in index]
    cand = np.fromiter((index[rid] for rid in known), dtype=np.int64, count=len(known))
    # past ranking_subsample.CAP decisions: every include and a fixed share of the excludes, each
    # row weighing what it stands for (the objective as on every decision, in expectation)
    known_labels = {rid: y for rid, y in labels.items() if rid in index}
    sample = training_labels(known_labels)
    train = {index[rid]: y for rid, y in sample.items()}
    scores = ranker.scores(train, cand, len(known_labels) / max(1, len(sample)))
    ranked = np.asarray(known, dtype=np.int64)[np.argsort(-np.asarray(scores), kind="stable")]
    return ranked.tolist() + unknown  # type: ignore[no-any-return]
