"""PRISMA 2020 flow counts, computed from the data every time they are asked for.

Keys are those of the PRISMA2020 R package / Shiny app template. By construction:
- ``database_results + register_results - duplicates = records_screened + pending.title_abstract``
  (duplicates counted in the databases-and-registers column only);
- ``records_screened = records_excluded + dbr_sought_reports``: a record counts as
  screened once it has a final title/abstract decision;
- ``dbr_sought_reports = dbr_notretrieved_reports + dbr_assessed + pending.full_text``;
- ``dbr_assessed = sum(dbr_excluded) + (studies included from databases and registers)``.
Records without a final decision are counted under ``pending``, never in another box, except
those a recorded stop left unscreened: they count in ``excluded_automatic`` ("marked as
ineligible by automation tools"; ``core/services/stopping.py``), so that with a stop
``database_results + register_results - duplicates - excluded_automatic`` (the stop's part)
``= records_screened + pending.title_abstract``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, aliased

from screener.core.services.base import Service, log_event
from screener.store.models import Batch, PrismaManual, Record, Retrieval, StageStatus
from screener.types import BatchKind, ScreenerError, Stage, Status

DBR = (BatchKind.DATABASE.value, BatchKind.REGISTER.value)
OTHER_RESULTS = {
    BatchKind.WEBSITE.value: "website_results",
    BatchKind.ORGANISATION.value: "organisation_results",
    BatchKind.CITATION.value: "citations_results",
}
# Boxes Screener cannot know from its data; a reviewer may enter them by hand.
MANUAL_KEYS = (
    "excluded_automatic",
    "excluded_other",
    "previous_studies",
    "previous_reports",
)
FINAL = (Status.INCLUDED.value, Status.EXCLUDED.value)


class PrismaService(Service):
    def counts(self, updated: bool | None = None) -> dict[str, Any]:
        """The flow's counts. ``updated`` gives the updated-review variant: the newest
        update round is the new search, and the "previous studies" boxes count the
        studies included from the earlier rounds. By default it is used as soon as the
        project holds an update (``import --update``)."""
        ta = aliased(StageStatus)
        ft = aliased(StageStatus)
        with self.reading() as s:
            rows = s.execute(
                select(
                    Batch.kind,
                    Batch.source,
                    Record.duplicate_of.is_(None),
                    ta.status,
                    ft.status,
                    ft.reason,
                    Retrieval.retrieved,
                    func.count(),
                    Batch.update_round,
                )
                .join(Batch, Batch.id == Record.batch_id)
                .join(ta, and_(ta.record_id == Record.id, ta.stage == Stage.TITLE_ABSTRACT.value))
                .join(ft, and_(ft.record_id == Record.id, ft.stage == Stage.FULL_TEXT.value))
                .outerjoin(Retrieval, Retrieval.record_id == Record.id)
                .group_by(
                    Batch.kind, Batch.source, Record.duplicate_of.is_(None), ta.status,
                    ft.status, ft.reason, Retrieval.retrieved, Batch.update_round,
                )
            ).all()
            manual = dict(s.execute(select(PrismaManual.key, PrismaManual.value)).all())
            newest = max((r[8] or 0 for r in rows), default=0)
            if updated is None:
                updated = newest > 0
            from screener.core.services.reasons import ta_reason_table
            from screener.core.services.stopping_state import apply_stop

            if not (updated and newest > 0):
                out = build_counts([r[:8] for r in rows], manual)
                out["ta_excluded_reasons"] = ta_reason_table(s)
                return apply_stop(s, out)
            current = [r[:8] for r in rows if (r[8] or 0) == newest]
            earlier = [r[:8] for r in rows if (r[8] or 0) < newest]
            filled = {k: v for k, v in manual.items() if k not in ("previous_studies", "previous_reports")}
            out = build_counts(current, filled)
            previous = build_counts(earlier, {})
            included = previous["new_studies"]
            out["previous_studies"] = out["previous_reports"] = included
            out["total_studies"] = out["new_studies"] + included
            out["total_reports"] = out["new_reports"] + included
            out["update"] = {
                "round": newest,
                "previous_records": sum(n for *_, n in earlier),
                "previous_pending": sum(previous["pending"].values()),
                "duplicates_of_previous": self._linked_to_earlier(s, newest),
            }
            out["ta_excluded_reasons"] = ta_reason_table(s, newest)
            return apply_stop(s, out, newest)

    @staticmethod
    def _linked_to_earlier(s: Session, newest: int) -> int:
        """Records of the newest round linked to a record of an earlier round (already
        screened in the previous version, so removed before screening)."""
        earlier_record = aliased(Record)
        earlier_batch = aliased(Batch)
        return s.scalar(
            select(func.count())
            .select_from(Record)
            .join(Batch, Batch.id == Record.batch_id)
            .join(earlier_record, earlier_record.id == Record.duplicate_of)
            .join(earlier_batch, earlier_batch.id == earlier_record.batch_id)
            .where(Batch.update_round == newest, earlier_batch.update_round < newest)
        ) or 0

    def set_manual(self, key: str, value: int | None) -> None:
        """Enter (or with None, clear) a box Screener cannot count itself."""
        if key not in MANUAL_KEYS:
            raise ScreenerError(f"{key!r} is counted from the data; only {', '.join(MANUAL_KEYS)} are entered by hand")
        if value is not None and value < 0:
            raise ScreenerError("a count cannot be negative")
        with self.writing() as s:
            row = s.get(PrismaManual, key)
            if value is None:
                if row is not None:
                    s.delete(row)
            elif row is None:
                s.add(PrismaManual(key=key, value=value))
            else:
                row.value = value
            log_event(s, "prisma_manual", key=key, value=value)


def build_counts(rows: Sequence[Any], manual: dict[str, int]) -> dict[str, Any]:
    c: Counter[str] = Counter()
    per_source: dict[str, Counter[str]] = {k: Counter() for k in DBR}
    reasons: dict[str, Counter[str]] = {"dbr": Counter(), "other": Counter()}
    for kind, source, canonical, ta_status, ft_status, ft_reason, retrieved, n in rows:
        column = "dbr" if kind in DBR else "other"
        if kind in DBR:
            c[f"{kind}_results"] += n
            per_source[kind][source] += n
            if not canonical:
                c["duplicates"] += n
                continue
        else:
            c[OTHER_RESULTS[kind]] += n
            if not canonical:
                continue
        if column == "dbr" and ta_status in FINAL:
            c["records_screened"] += n
        if ta_status == Status.EXCLUDED:
            c[f"{column}_ta_excluded"] += n
        elif ta_status != Status.INCLUDED:
            c[f"{column}_ta_pending"] += n
        else:
            c[f"{column}_sought_reports"] += n
            if ft_status in FINAL:
                c[f"{column}_assessed"] += n
                if ft_status == Status.EXCLUDED:
                    reasons[column][ft_reason or "No reason recorded"] += n
                else:
                    c[f"{column}_included"] += n
            elif retrieved is False:
                c[f"{column}_notretrieved_reports"] += n
            else:
                c[f"{column}_ft_pending"] += n
    new_studies = c["dbr_included"] + c["other_included"]
    out: dict[str, Any] = {
        "database_results": c["database_results"],
        "database_specific_results": sorted(per_source["database"].items()),
        "register_results": c["register_results"],
        "register_specific_results": sorted(per_source["register"].items()),
        "website_results": c["website_results"],
        "organisation_results": c["organisation_results"],
        "citations_results": c["citations_results"],
        "duplicates": c["duplicates"],
        "excluded_automatic": manual.get("excluded_automatic", 0),
        "excluded_other": manual.get("excluded_other", 0),
        "records_screened": c["records_screened"],
        "records_excluded": c["dbr_ta_excluded"],
        "dbr_sought_reports": c["dbr_sought_reports"],
        "dbr_notretrieved_reports": c["dbr_notretrieved_reports"],
        "dbr_assessed": c["dbr_assessed"],
        "dbr_excluded": sorted(reasons["dbr"].items()),
        "other_sought_reports": c["other_sought_reports"],
        "other_notretrieved_reports": c["other_notretrieved_reports"],
        "other_assessed": c["other_assessed"],
        "other_excluded": sorted(reasons["other"].items()),
        "new_studies": new_studies,
        "new_reports": new_studies,
        "previous_studies": manual.get("previous_studies", 0),
        "previous_reports": manual.get("previous_reports", 0),
    }
    out["total_studies"] = new_studies + out["previous_studies"]
    out["total_reports"] = new_studies + out["previous_reports"]
    out["pending"] = {
        "title_abstract": c["dbr_ta_pending"],
        "full_text": c["dbr_ft_pending"],
        "other_title_abstract": c["other_ta_pending"],
        "other_full_text": c["other_ft_pending"],
    }
    out["manual"] = sorted(manual)
    return out
