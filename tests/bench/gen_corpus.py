"""Generate a realistic multi-database RIS corpus for benchmarks and deduplication tests.

    python tests/bench/gen_corpus.py 100000 /tmp/corpus [--seed 1]

``generate(n, out_dir, seed)`` writes ``n`` records split over five files, one per
database style (Scopus, Web of Science, Embase, Ovid, PubMed via EndNote), each with that
database's tags, author format, journal form, line ends and quirks (BOM, preamble numbers,
tags after ER, wrapped abstracts). About 30% of the records are cross-file duplicates of
another record, with the small differences real exports show: title case and
punctuation, DOI prefix or case, a missing DOI, abbreviated journal, author format,
shortened page ranges, now and then an epub year. Abstracts are about 1,500 characters.

Besides the RIS files it writes ``truth.csv`` (file, position, work_id): records with the
same work_id are the same publication, which deduplication tests can score against.
It returns the RIS paths. Output is a pure function of (n, seed).

The import benchmark's corpus variants (line ends, abstracts in N2 and AB, long author
lists, links, DOI and date tags, one file per database of 10 to 80 MB, one 250 MB file)
are written by ``corpus_variants.py`` with these records and writers.
"""

from __future__ import annotations

import argparse
import csv
import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

STYLES = ("scopus", "wos", "embase", "ovid", "pubmed")
DUPLICATE_SHARE = 0.3

_WORDS = (
    "patients treatment outcomes randomized controlled trial cohort study analysis risk factors "
    "association clinical efficacy safety intervention therapy chronic acute disease mortality "
    "incidence prevalence hospital care primary secondary adults children older women men "
    "depression anxiety cognitive behavioural pain inflammation cancer diabetes stroke cardiac "
    "heart failure hypertension obesity exercise diet nutrition vitamin supplementation dose "
    "response placebo baseline follow-up months years weeks significant reduction increase "
    "improvement quality life symptoms severity score scale measure assessment screening "
    "diagnosis imaging biomarkers genetic expression protein receptor pathway mechanism model "
    "mice cells in vitro in vivo systematic review meta-analysis evidence guideline practice "
    "cost effectiveness economic burden population national survey registry data regression "
    "adjusted hazard ratio odds confidence interval sensitivity specificity accuracy validation "
    "implementation feasibility pilot qualitative interviews participants recruitment retention "
    "adherence compliance adverse events side effects hospitalization readmission surgery "
    "postoperative complications infection antibiotic resistance vaccine immunization viral "
    "bacterial microbiome gut brain axis sleep fatigue physical activity rehabilitation "
    "community health workers peer support mental services telehealth digital app"
).split()
_SURNAMES = (
    "Smith Johnson Müller García Rossi Nguyen Kim Chen Wang Li Zhang Kowalski Novak Silva "
    "Santos Pereira Jansen de-Vries Andersson Nielsen Hansen O'Brien Murphy Dubois Lefebvre "
    "Moreau Schmidt Schneider Fischer Weber Romano Bianchi Ferrari Tanaka Suzuki Sato Patel "
    "Singh Kumar Ahmed Hassan Ali Cohen Levy Friedman Brown Taylor Wilson Davies Evans Thomas "
    "Roberts Walker Wright Thompson White Hughes Edwards Green Hall Wood Harris Martin Jackson "
    "Clarke Lewis Robinson Young Allen King Scott Baker Adams Mitchell Campbell Anderson Moran "
    "Van-Dijk Bakker Visser Smit Meijer Mulder Bos Vos Peters Hendriks Dekker Brouwer Gomez "
    "Fernandez Lopez Martinez Sanchez Perez Gonzalez Rodriguez Hernandez Diaz Moreno Alvarez"
).split()
_GIVEN = (
    "Anna John Maria Peter Laura David Sarah Michael Emma James Sophie Thomas Julia Daniel "
    "Elena Mark Eva Paul Clara Lucas Nora Samuel Ines Jose Galia Yu Hiroshi Mei Ahmed Fatima "
    "Olga Ivan Lars Ingrid Pierre Claire Marco Giulia Hans Greta"
).split()
_JOURNALS = (
    ("The Lancet", "Lancet"),
    ("BMJ Open", "BMJ Open"),
    ("Journal of Clinical Epidemiology", "J. Clin. Epidemiol."),
    ("PLoS ONE", "PLoS One"),
    ("Epidemiology and Psychiatric Sciences", "Epidemiol. Psychiatr. Sci."),
    ("Journal of Affective Disorders", "J. Affect. Disord."),
    ("American Journal of Public Health", "Am. J. Public Health"),
    ("BMC Public Health", "BMC Public Health"),
    ("Clinical Psychology & Psychotherapy", "Clin. Psychol. Psychother."),
    ("Journal of Medical Internet Research", "J. Med. Internet Res."),
    ("Psychoneuroendocrinology", "Psychoneuroendocrinology"),
    ("European Journal of Heart Failure", "Eur. J. Heart Fail."),
    ("Diabetes Care", "Diabetes Care"),
    ("International Journal of Nursing Studies", "Int. J. Nurs. Stud."),
    ("Annals of Internal Medicine", "Ann. Intern. Med."),
    ("Journal of the American Geriatrics Society", "J. Am. Geriatr. Soc."),
    ("Stroke", "Stroke"),
    ("Pain", "Pain"),
    ("Sleep Medicine Reviews", "Sleep Med. Rev."),
    ("Scientific Reports", "Sci. Rep."),
)
_SECTIONS = ("Background", "Objective", "Methods", "Results", "Conclusions")


@dataclass(frozen=True)
class Work:
    work_id: int
    title: str
    authors: tuple[tuple[str, str, str], ...]  # (surname, given name, middle initial or "")
    year: int
    journal: int  # index into _JOURNALS
    volume: str
    issue: str
    first_page: int
    last_page: int
    doi: str
    pmid: str
    abstract: str
    keywords: tuple[str, ...]


def _sentence(rng: random.Random, length: int) -> str:
    words = rng.choices(_WORDS, k=length)
    return " ".join(words).capitalize()


def _make_work(rng: random.Random, work_id: int) -> Work:
    title = _sentence(rng, rng.randint(8, 16))
    if rng.random() < 0.3:
        title += ": " + " ".join(rng.choices(_WORDS, k=rng.randint(3, 7)))
    authors = tuple(
        (rng.choice(_SURNAMES), rng.choice(_GIVEN), rng.choice("ABCDEFGHJKLMNPRST") if rng.random() < 0.5 else "")
        for _ in range(rng.choices((1, 2, 3, 4, 5, 6, 8, 12), weights=(5, 10, 15, 20, 15, 15, 12, 8))[0])
    )
    sections = []
    for name in _SECTIONS:
        sentences = [_sentence(rng, rng.randint(14, 26)) + "." for _ in range(rng.randint(1, 3))]
        sections.append(f"{name}: {' '.join(sentences)}")
    abstract = " ".join(sections)[: rng.randint(1300, 1700)].rstrip() + "."
    first_page = rng.randint(1, 2000)
    return Work(
        work_id=work_id,
        title=title,
        authors=authors,
        year=rng.randint(1995, 2024),
        journal=rng.randrange(len(_JOURNALS)),
        volume=str(rng.randint(1, 120)),
        issue=str(rng.randint(1, 12)),
        first_page=first_page,
        last_page=first_page + rng.randint(3, 25),
        doi=f"10.{rng.randint(1000, 9999)}/{rng.choice(('j.', 's', 'abc.', ''))}{rng.randint(10**6, 10**9)}",
        pmid=str(rng.randint(10**7, 4 * 10**7)) if rng.random() < 0.8 else "",
        abstract=abstract,
        keywords=tuple(dict.fromkeys(" ".join(rng.choices(_WORDS, k=rng.randint(1, 3))) for _ in range(rng.randint(3, 8)))),
    )


# -- variations a duplicate shows in another database ---------------------------------------


def _vary(rng: random.Random, work: Work) -> Work:
    changes: list[Callable[[Work], Work]] = [
        lambda w: replace(w, title=w.title.upper()),
        lambda w: replace(w, title=w.title.lower()),
        lambda w: replace(w, title=w.title.title()),
        lambda w: replace(w, title=w.title.rstrip(".") + "."),
        lambda w: replace(w, title=w.title.replace(": ", " - ")),
        lambda w: replace(w, title=w.title.replace("-", " ")),
        lambda w: replace(w, doi=""),
        lambda w: replace(w, doi=w.doi.upper()),
        lambda w: replace(w, authors=tuple((s, g, "") for s, g, _ in w.authors)),
        lambda w: replace(w, authors=w.authors[:3]),
        lambda w: replace(w, year=w.year + 1),
        lambda w: replace(w, pmid=""),
        lambda w: replace(w, abstract=""),
    ]
    for change in rng.sample(changes, k=rng.randint(1, 3)):
        work = change(work)
    return work


# -- one writer per database style: list of lines for one record --------------------------


def _scopus(w: Work, rng: random.Random) -> list[str]:
    full, abbrev = _JOURNALS[w.journal]
    lines = ["TY  - JOUR", f"TI  - {w.title}", f"T2  - {full}", f"J2  - {abbrev}", f"VL  - {w.volume}",
             f"IS  - {w.issue}", f"SP  - {w.first_page}", f"EP  - {w.last_page}", f"PY  - {w.year}"]
    if w.doi:
        lines.append(f"DO  - {w.doi}")
    lines += [f"AU  - {s}, {g[0]}.{m + '.' if m else ''}" for s, g, m in w.authors]
    lines += [f"AD  - Department of {rng.choice(_WORDS).title()}, University of {rng.choice(_SURNAMES)}" for _ in w.authors[:2]]
    if w.abstract:
        lines.append(f"AB  - {w.abstract}")
    lines += [f"KW  - {k}" for k in w.keywords]
    lines += ["N1  - Export Date: 12 May 2024", "M3  - Article", "DB  - Scopus"]
    if w.pmid:
        lines.append(f"C2  - {w.pmid}")
    lines += ["LA  - English", f"UR  - https://www.scopus.com/inward/record.uri?eid=2-s2.0-{w.work_id}", "ER  - ", ""]
    return lines


def _wos(w: Work, rng: random.Random) -> list[str]:
    full, abbrev = _JOURNALS[w.journal]
    lines = ["TY  - JOUR"]
    lines += [f"AU  - {s}, {g[0]}{m}" for s, g, m in w.authors]
    lines += [f"TI  - {w.title}", f"T2  - {full.upper()}", "LA  - English"]
    lines += [f"KW  - {k.upper() if i % 2 else k}" for i, k in enumerate(w.keywords)]
    if w.abstract:
        lines.append(f"AB  - {w.abstract}")
    lines += ["PU  - ELSEVIER SCIENCE INC", f"SN  - {rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}",
              f"J9  - {abbrev.upper().replace('.', '')}", f"JI  - {abbrev}", f"PY  - {w.year}",
              f"VL  - {w.volume}", f"IS  - {w.issue}", f"SP  - {w.first_page}", f"EP  - {w.last_page}"]
    if w.doi:
        lines.append(f"DO  - {w.doi}")
    lines += [f"AN  - WOS:{w.work_id:015d}", "N1  - Times Cited in Web of Science Core Collection:  5",
              "Total Times Cited:  7", "ER  -", ""]
    return lines


def _embase(w: Work, rng: random.Random) -> list[str]:
    full, abbrev = _JOURNALS[w.journal]
    lines = ["TY  - JOUR", "M3  - Article", f"Y1  - {w.year}", f"VL  - {w.volume}", f"IS  - {w.issue}",
             f"JF  - {full}", f"JO  - {abbrev}", f"SP  - {w.first_page}", f"EP  - {w.last_page}",
             f"U2  - L{w.work_id + 2000000000}"]
    if w.pmid:
        lines.append(f"C5  - {w.pmid}")
    lines += ["DB  - Embase", "DB  - Medline"]
    if w.doi:
        lines += [f"L2  - http://dx.doi.org/{w.doi}", f"DO  - {w.doi}"]
    lines += [f"A1  - {s}, {g[0]}.{m + '.' if m else ''}" for s, g, m in w.authors]
    lines += [f"T1  - {w.title}", "LA  - English"]
    lines += [f"KW  - {k}" for k in w.keywords]
    if w.abstract:
        lines.append(f"N2  - {w.abstract}")
    lines += ["ER  - ", ""]
    return lines


def _ovid(w: Work, rng: random.Random, number: int) -> list[str]:
    full, abbrev = _JOURNALS[w.journal]
    lines = [f"{number}.", "TY  - JOUR", f"ID  - {w.year}-{w.work_id:05d}-001"]
    if w.doi:
        lines.append(f"DO  - http://dx.doi.org/{w.doi}")
    lines.append(f"T1  - {w.title.rstrip('.')}.")
    lines += [f"A1  - {s}, {g}{' ' + m if m else ''}" for s, g, m in w.authors]
    lines.append(f"Y1  - {w.year}//")
    if w.abstract:
        lines.append(f"N2  - {w.abstract}")
    lines += [f"KW  - *{k.title()}" for k in w.keywords]
    lines += [f"JF  - {full}", f"VL  - {w.volume}", f"IS  - {w.issue}", f"SP  - {w.first_page}",
              f"EP  - {w.last_page}", "PB  - Elsevier", "PB  - US"]
    lines += [f"M1  - {rng.choice(_SURNAMES)}, {rng.choice('ABCDE')} ({rng.randint(1980, 2020)}). {_sentence(rng, 8)}." for _ in range(3)]
    lines += ["ER  -", f"NL  - {abbrev.replace('.', '')}", "",
              f"Link to the Ovid Full Text or citation: http://ovidsp.ovid.com/?AN={w.work_id}", ""]
    return lines


def _wrap(text: str, width: int = 100) -> list[str]:
    out, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            out.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return out + ([line] if line else [])


def _pubmed(w: Work, rng: random.Random) -> list[str]:
    full, abbrev = _JOURNALS[w.journal]
    lines = ["TY  - JOUR"]
    if w.abstract:
        wrapped = _wrap(w.abstract)
        lines.append(f"AB  - {wrapped[0]}")
        lines += wrapped[1:]
    if w.pmid:
        lines.append(f"AN  - {w.pmid}")
    lines += [f"AU  - {s}, {g[0]}.{' ' + m + '.' if m else ''}" for s, g, m in w.authors]
    lines += ["DP  - NLM"]
    if w.doi:
        lines.append(f"DO  - {w.doi}")
    lines += [f"IS  - {w.issue}", f"J2  - {abbrev.replace('.', '')}", "KW  - Humans"]
    lines += [k.title() for k in w.keywords]
    last = str(w.last_page)
    short_last = last[len(last) - len(str(w.last_page - w.first_page)) :] if rng.random() < 0.5 else last
    lines += ["LA  - eng", f"PY  - {w.year}", f"SP  - {w.first_page}-{short_last}", f"T2  - {abbrev.replace('.', '')}",
              f"TI  - {w.title}", f"VL  - {w.volume}", f"ID  - {w.work_id}", "ER  - ", ""]
    return lines


def generate(n: int, out_dir: str | Path, seed: int = 0) -> list[Path]:
    """Write ``n`` records over five database-style RIS files in ``out_dir``; see module doc."""
    rng = random.Random(seed)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    n_duplicates = round(n * DUPLICATE_SHARE)
    works = [_make_work(rng, i) for i in range(n - n_duplicates)]
    placed: list[tuple[str, Work]] = [(rng.choice(STYLES), w) for w in works]
    home = {w.work_id: style for style, w in placed}
    for _ in range(n_duplicates):
        original = rng.choice(works)
        style = rng.choice([s for s in STYLES if s != home[original.work_id]])
        placed.append((style, _vary(rng, original)))
    rng.shuffle(placed)
    paths: list[Path] = []
    truth: list[tuple[str, int, int]] = []
    for style in STYLES:
        lines: list[str] = []
        position = 0
        for record_style, work in placed:
            if record_style != style:
                continue
            position += 1
            if style == "ovid":
                lines += _ovid(work, rng, position)
            else:
                lines += {"scopus": _scopus, "wos": _wos, "embase": _embase, "pubmed": _pubmed}[style](work, rng)
            truth.append((f"{style}.ris", position, work.work_id))
        newline = "\r\n" if style in ("pubmed", "ovid") else "\n"
        bom = "\ufeff" if style in ("scopus", "wos") else ""
        path = out / f"{style}.ris"
        path.write_text(bom + newline.join(lines), encoding="utf-8", newline="")
        paths.append(path)
    with open(out / "truth.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(("file", "position", "work_id"))
        writer.writerows(truth)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int)
    parser.add_argument("out_dir")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    for path in generate(args.n, args.out_dir, args.seed):
        print(path)


if __name__ == "__main__":
    main()
