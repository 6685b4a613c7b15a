"""Builds tests/data/projects/schema_0002.screener through the services, at schema 0002 (run at
commit 9a96244 with `.venv/bin/python tests/data/projects/make_schema_0002.py OUT`).

Two reviewers and a resolver, two batches of one Scopus export (so every record of the second
is a merged duplicate), decisions with notes, a resolved conflict, tags, full-text decisions
with reasons, one report not retrieved, and a hand-entered PRISMA box."""
import sys
from pathlib import Path

from screener.core.project import Project
from screener.types import run_work

out = Path(sys.argv[1])
ris = Path("tests/data/ris/cff_scopus__citation-file-formatting.ris")
p = Project.create(str(out), title="Peer roles review (schema 0002 fixture)", question="Do peer roles help?",
                   reasons=["Wrong population", "Wrong design", "Not available in full text"], reviewers_per_record=2,
                   include_criteria=["Peer support workers"], exclude_criteria=["Not mental health"])
for n in ("ana", "ben"):
    p.settings.add_reviewer(n)
p.settings.add_reviewer("cara", role="resolver")
rep = run_work(p.imports.import_files([str(ris)], "Scopus", search_string="peer AND support"))
rep2 = run_work(p.imports.import_files([str(ris)], "Embase", kind="database"))
summ = run_work(p.dedup.run())
ids = [r.record_id for r in p.records.listing()]
for i, rid in enumerate(ids[:12]):
    p.screening.decide(rid, "ana", "include" if i % 3 else "exclude", note=f"ana note {i}" if i % 4 == 0 else "")
    p.screening.decide(rid, "ben", "include" if i % 4 else "exclude")
conf = p.conflicts.conflicts()
if conf:
    p.conflicts.resolve(conf[0].record_id, "include", "cara", note="agreed on call")
p.records.set_tags(ids[0], ["rct", "follow-up"], reviewer="ana")
inc = [r.record_id for r in p.records.listing(status="included")]
if inc:
    p.retrieval.set_retrieval(inc[0], True)
    p.screening.decide(inc[0], "ana", "exclude", stage="full_text", reason="Wrong design")
    p.screening.decide(inc[0], "ben", "exclude", stage="full_text", reason="Wrong population")
if len(inc) > 1:
    p.retrieval.set_retrieval(inc[1], False)
p.prisma.set_manual("excluded_automatic", 3)
p.close()
print(len(ids), summ, len(conf), inc)
