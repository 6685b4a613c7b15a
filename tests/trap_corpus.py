"""A synthetic four-database corpus of look-alike publications, for deduplication tests.

``build(seed)`` makes publications of every kind that trips deduplication and writes each
as one or more database records in the styles of PubMed (via a reference manager),
Embase, Scopus and Web of Science, with each database's conventions for the same item:

* articles, in 1 to 4 databases, with title case, punctuation, spelling, journal
  abbreviation, author format, page format, epub/print year and missing-field
  differences; now and then an article in press, a translated title in brackets, a DOI
  only in a link, an erratum note in the title;
* notices about an article: corrections (errata, corrigenda), retractions, expressions of
  concern, comments and letters, replies, editorials, each titled the way each database
  titles it ("Correction to: X", "X (vol 12, pg 34, 2019)", Embase's bare "X" with type
  Erratum, "Retraction Note: X", "X - Reply", "Kommentar zu: X", ...) and sometimes a
  second notice of the same kind about the same article;
* generic titles ("Editorial", "Erratum", "Reply", "Introduction", "Book review", ...),
  the same one by the same editors in several issues of one journal;
* protocols and the trial or review they announce; conference abstracts (in two
  databases) and the article that follows; Cochrane review versions; series ("part 1",
  "2019" / "2020"); the same title for different studies (arms of one trial, different
  authors and journals).

Truth: every record belongs to one publication; records of one publication are
duplicates, all others are not. ``traps`` lists pairs of publications that look alike but
are distinct (a notice and its article, two notices, protocol and results, ...): merging
any record of one with any record of the other is a trapped merge. Output is a pure
function of the seed. tests/bench/bench_dedup.py and tests/core/test_dedup_traps.py use it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from pathlib import Path

from screener.types import DedupRecord
from tests.trap_corpus_styles import DATABASES, render

__all__ = ["DATABASES", "Corpus", "Pub", "build", "read_back", "trapped", "truth_clusters", "write"]

_WORDS = (
    "eculizumab complement factor atypical haemolytic uraemic syndrome renal transplant "
    "recurrence children adults outcomes stroke rehabilitation aphasia thrombolysis "
    "depression anxiety cognitive therapy peer support community mental health services "
    "randomised trial cohort registry mortality incidence biomarkers imaging inflammation "
    "diabetes insulin obesity exercise older people nursing homes falls prevention "
    "antibiotic resistance sepsis intensive care ventilation delirium sleep pain opioids"
).split()
_SURNAMES = (
    "Moran Yildiz Loirat Fremeaux Noris Remuzzi Legendre Licht Greenbaum Kavanagh Goodship "
    "Nurnberger Philipp Hillmen Lapeyraque Zuber Sellier Cataland Fakhouri Bresin Rondeau "
    "Schaefer Kim Chen Wang Li Zhang Garcia Rossi Nguyen Kowalski Silva Jansen Andersson "
    "Murphy Dubois Schmidt Tanaka Patel Singh Cohen Brown Taylor Wilson Evans Walker"
).split()
_GIVEN = "Anna John Maria Peter Laura David Sarah Michael Emma James Sophie Thomas Galia Chantal".split()
JOURNALS = (
    ("Pediatric Nephrology", "Pediatr Nephrol"),
    ("New England Journal of Medicine", "N Engl J Med"),
    ("American Journal of Transplantation", "Am J Transplant"),
    ("Journal of the American Society of Nephrology", "J Am Soc Nephrol"),
    ("Blood", "Blood"),
    ("Stroke", "Stroke"),
    ("Archives of Physical Medicine and Rehabilitation", "Arch Phys Med Rehabil"),
    ("BMJ Open", "BMJ Open"),
    ("Trials", "Trials"),
    ("Journal of Affective Disorders", "J Affect Disord"),
    ("Psychiatric Services", "Psychiatr Serv"),
    ("Kidney International", "Kidney Int"),
)
COCHRANE = ("Cochrane Database of Systematic Reviews", "Cochrane Database Syst Rev")


@dataclass
class Pub:
    """One publication: what the publisher printed."""

    pub_id: int
    kind: str  # article, correction, retraction, concern, comment, reply, editorial, protocol,
    # abstract, generic, registration, cochrane
    title: str  # the publisher's title (a notice's includes its wording)
    about: str = ""  # a notice's or comment's article title
    about_cite: str = ""  # that article as a citation ("Pediatr Nephrol. 2019;34(5):123-9")
    authors: list[tuple[str, str]] = field(default_factory=list)
    year: int = 2015
    journal: tuple[str, str] = ("", "")
    volume: str = ""
    issue: str = ""
    first: int = 0
    last: int = 0
    doi: str = ""
    pmid: str = ""
    language: str = "English"
    conference: str = ""  # an abstract's meeting
    style: str = ""  # a notice's title convention (see trap_corpus_styles)


@dataclass
class Corpus:
    pubs: list[Pub]
    # (database, publication id, record fields as RIS (tag, value) pairs)
    records: list[tuple[str, int, list[tuple[str, str]]]]
    traps: list[tuple[int, int, str]]  # (pub id, pub id, what they are)


class _Maker:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.pubs: list[Pub] = []
        self.traps: list[tuple[int, int, str]] = []
        self.copies: dict[int, list[str]] = {}  # pub id -> databases it appears in

    def _next_id(self) -> int:
        return len(self.pubs) + 1

    def title(self, words: int = 9) -> str:
        text = " ".join(self.rng.sample(_WORDS, words))
        return text[0].upper() + text[1:]

    def authors(self, n: int | None = None) -> list[tuple[str, str]]:
        n = n or self.rng.choice((1, 2, 3, 4, 5, 6, 8))
        return [(self.rng.choice(_SURNAMES), self.rng.choice(_GIVEN)) for _ in range(n)]

    def doi(self) -> str:
        return f"10.{self.rng.randint(1000, 9999)}/s{self.rng.randint(10**6, 10**8)}"

    def add(self, pub: Pub, databases: list[str] | None = None) -> Pub:
        self.pubs.append(pub)
        self.copies[pub.pub_id] = databases or self.rng.sample(DATABASES, self.rng.choice((1, 2, 2, 3, 3, 4)))
        return pub

    def trap(self, a: Pub, b: Pub, what: str) -> None:
        self.traps.append((a.pub_id, b.pub_id, what))

    def article(self, **fields: object) -> Pub:
        journal = JOURNALS[self.rng.randrange(len(JOURNALS))]
        first = self.rng.randint(10, 2500)
        values: dict[str, object] = {
            "pub_id": self._next_id(),
            "kind": "article",
            "title": self.title(self.rng.randint(7, 13)),
            "authors": self.authors(),
            "year": self.rng.randint(2005, 2022),
            "journal": journal,
            "volume": str(self.rng.randint(5, 90)),
            "issue": str(self.rng.randint(1, 12)),
            "first": first,
            "last": first + self.rng.randint(4, 12),
            "doi": self.doi() if self.rng.random() < 0.85 else "",
            "pmid": str(self.rng.randint(15_000_000, 35_000_000)) if self.rng.random() < 0.8 else "",
        }
        values.update(fields)
        pub = Pub(**values)  # type: ignore[arg-type]
        if pub.kind == "article" and pub.first and pub.last:
            pub.about_cite = f"{pub.journal[1]}. {pub.year};{pub.volume}({pub.issue}):{pub.first}-{pub.last}"
        return pub

    def notice(self, article: Pub, kind: str, style: str, same_authors: bool, later: int = 1) -> Pub:
        """A notice about ``article``, printed ``later`` issues after it."""
        issue = int(article.issue or 1) + later
        volume = int(article.volume or 1) + (1 if issue > 12 else 0)
        return Pub(
            pub_id=self._next_id(),
            kind=kind,
            title=article.title,
            about=article.title,
            about_cite=article.about_cite,
            authors=list(article.authors) if same_authors else (self.authors(2) if kind in ("comment",) else []),
            year=article.year + (1 if issue > 12 else 0),
            journal=article.journal,
            volume=str(volume),
            issue=str(issue if issue <= 12 else issue - 12),
            first=self.rng.randint(article.last + 20, article.last + 900) if issue <= 12 else self.rng.randint(1, 300),
            last=0,
            doi=self.doi() if self.rng.random() < 0.8 else "",
            pmid=str(self.rng.randint(15_000_000, 35_000_000)) if self.rng.random() < 0.7 else "",
            style=style,
        )


def _articles_and_notices(m: _Maker) -> None:
    """Articles with notices about them; each notice is a trap with its article."""
    notice_styles = {
        "correction": ("correction to", "erratum", "corrigendum", "author correction", "wos citation",
                       "embase bare", "publisher correction", "berichtigung", "fe de errores"),
        "retraction": ("retraction note", "retraction notice", "notice of retraction", "retracted hindawi",
                       "retraction of"),
        "concern": ("expression of concern", "editorial expression of concern"),
        "comment": ("comment on", "re", "letter regarding", "commentary on", "kommentar zu", "letter"),
        "reply": ("reply to", "dash reply", "response to", "in reply to", "antwort auf"),
        "editorial": ("editorial on", "editorial comment"),
    }
    for kind, styles in notice_styles.items():
        for style in styles:
            for _ in range(3):
                article = m.add(m.article())
                same_authors = kind in ("correction", "reply") and m.rng.random() < 0.6
                notice = m.add(m.notice(article, kind, style, same_authors))
                m.trap(notice, article, f"{kind} ({style}) and its article")
                if m.rng.random() < 0.35:  # a second notice of the same kind about the same article
                    second = m.add(m.notice(article, kind, m.rng.choice(styles), same_authors, later=2))
                    m.trap(second, article, f"second {kind} and the article")
                    m.trap(second, notice, f"two {kind} notices about one article")
                if kind in ("comment",) and m.rng.random() < 0.6:  # and the authors reply to it
                    reply = m.add(m.notice(article, "reply", m.rng.choice(notice_styles["reply"]), True))
                    m.trap(reply, notice, "a letter and the reply to it")
                    m.trap(reply, article, "a reply and the article")
                if kind == "correction" and m.rng.random() < 0.3:  # and a retraction later
                    retraction = m.add(m.notice(article, "retraction", "retraction note", False, later=4))
                    m.trap(retraction, notice, "a correction and a retraction of one article")
                    m.trap(retraction, article, "a retraction and its article")


def _retracted_articles(m: _Maker) -> None:
    """Articles whose own record is marked "RETRACTED:" in some databases: the same article."""
    for _ in range(8):
        article = m.add(m.article(style="marked retracted", doi=m.doi()), DATABASES)
        notice = m.add(m.notice(article, "retraction", "retraction notice", False, later=3))
        m.trap(notice, article, "retraction notice and the (marked) retracted article")


def _generic(m: _Maker) -> None:
    """Generic titles: the same title for many items; true duplicates only by source."""
    for title in ("Editorial", "Erratum", "Reply", "Introduction", "Preface", "Book review",
                  "Letter to the editor", "In this issue", "Authors' reply", "Correction", "Commentary",
                  "Foreword"):
        editors = m.authors(m.rng.choice((1, 2)))
        journal = JOURNALS[m.rng.randrange(len(JOURNALS))]
        made: list[Pub] = []
        for number in range(4):
            same_journal = number < 3
            first = m.rng.randint(1, 1500)
            pub = m.add(m.article(
                kind="generic", title=title, journal=journal if same_journal else JOURNALS[number],
                authors=list(editors) if same_journal and title not in ("Erratum", "Correction") else
                (m.authors(1) if m.rng.random() < 0.5 else []),
                year=2015 + number // 2, volume=str(20 + number // 2), issue=str(1 + number), first=first,
                last=first + m.rng.choice((0, 1, 2)), pmid="",
            ))
            for earlier in made:
                m.trap(pub, earlier, f"two items titled {title!r}")
            made.append(pub)


def _protocols_abstracts_series(m: _Maker) -> None:
    for _ in range(10):  # trial protocol and its results
        topic = m.title(8)
        team = m.authors(6)
        protocol = m.add(m.article(kind="protocol", title=f"{topic}: study protocol for a randomised controlled trial",
                                   authors=team, journal=JOURNALS[8], year=2014))
        results = m.add(m.article(title=f"{topic}: a randomised controlled trial", authors=team[:5] + m.authors(2),
                                  year=2018))
        m.trap(protocol, results, "trial protocol and its results")
    for _ in range(6):  # review protocol and the review
        topic = m.title(7)
        team = m.authors(4)
        protocol = m.add(m.article(kind="protocol", title=f"{topic}: protocol for a systematic review and meta-analysis",
                                   authors=team, journal=("Systematic Reviews", "Syst Rev"), year=2016))
        review = m.add(m.article(title=f"{topic}: a systematic review and meta-analysis", authors=team, year=2018))
        m.trap(protocol, review, "review protocol and the review")
    for _ in range(12):  # conference abstract (Embase and WoS) and the article a year later
        team = m.authors(5)
        title = m.title(10)
        abstract = m.add(m.article(kind="abstract", title=title, authors=team, journal=JOURNALS[4], year=2016,
                                   volume="128", issue="22", first=m.rng.randint(100, 5000), last=0, doi="", pmid="",
                                   conference="58th Annual Meeting of the American Society of Hematology, ASH 2016"),
                         ["embase", "wos"])
        article = m.add(m.article(title=title, authors=team + m.authors(2), year=2017))
        m.trap(abstract, article, "conference abstract and the later article")
    for _ in range(5):  # Cochrane: protocol, review and its update share title and number
        title = m.title(8)
        team = m.authors(4)
        number = f"CD{m.rng.randint(10000, 13999):06d}"
        versions = []
        for version, year in (("", 2012), (".pub2", 2015), (".pub3", 2019)):
            pub = m.add(m.article(kind="cochrane", title=title, authors=team if version != ".pub3" else team + m.authors(1),
                                  journal=COCHRANE, year=year, volume=str(year), issue=str(m.rng.randint(1, 12)),
                                  first=0, last=0, doi=f"10.1002/14651858.{number}{version}",
                                  style=number, pmid=str(m.rng.randint(20_000_000, 35_000_000))))
            for earlier in versions:
                m.trap(pub, earlier, "versions of one Cochrane review")
            versions.append(pub)
    for _ in range(5):  # a series: part 1 and part 2; annual statistics
        title = m.title(7)
        team = m.authors(3)
        one = m.add(m.article(title=f"{title}. Part 1", authors=team))
        two = m.add(m.article(title=f"{title}. Part 2", authors=team, journal=one.journal, volume=one.volume,
                              year=one.year, issue=str(int(one.issue) % 12 + 1)))
        m.trap(one, two, "part 1 and part 2")
        year = m.rng.randint(2012, 2020)
        team = m.authors(3)
        first = m.add(m.article(title=f"{m.title(4)} statistics, {year}", authors=team, year=year))
        second = m.add(m.article(title=first.title.replace(str(year), str(year + 1)), authors=team, year=year + 1,
                                 journal=first.journal))
        m.trap(first, second, "annual report of two years")
    for _ in range(4):  # one trial registered per arm: only the arm differs
        stem = m.title(6)
        sponsor = [("Alexion Pharmaceuticals, Inc", "")]
        arms = [m.add(m.article(kind="registration", title=f"Open label controlled trial of {stem} in {who} patients with "
                                f"plasma therapy-{how} disease", authors=sponsor, journal=("", ""), volume="", issue="",
                                first=0, last=0, doi="", pmid="", year=2011), ["embase", "scopus"])
                for who in ("adult", "adolescent") for how in ("sensitive", "resistant")]
        for index, arm in enumerate(arms):
            for other in arms[:index]:
                m.trap(arm, other, "registrations of two arms of one trial")
    for _ in range(8):  # the same title for different studies by different authors
        title = m.title(6)
        a = m.add(m.article(title=title))
        b = m.add(m.article(title=title, year=a.year + m.rng.choice((0, 1, 3))))
        m.trap(a, b, "same title, different authors and journals")


def _plain_articles(m: _Maker, n: int) -> None:
    for _ in range(n):
        pub = m.article()
        roll = m.rng.random()
        if roll < 0.1:
            pub = replace(pub, language="German", style="translated")
        elif roll < 0.2:
            pub = replace(pub, style="in press")
        elif roll < 0.3:
            pub = replace(pub, style="erratum note")
        m.add(pub)


def build(seed: int = 14, articles: int = 220) -> Corpus:
    """The corpus for one seed (see the module's doc)."""
    m = _Maker(seed)
    _articles_and_notices(m)
    _retracted_articles(m)
    _generic(m)
    _protocols_abstracts_series(m)
    _plain_articles(m, articles)
    records = []
    for pub in m.pubs:
        for database in m.copies[pub.pub_id]:
            records.append((database, pub.pub_id, render(pub, database, m.rng)))
    m.rng.shuffle(records)
    return Corpus(m.pubs, records, m.traps)


def write(corpus: Corpus, folder: Path) -> dict[str, list[int]]:
    """Write one RIS file per database into ``folder``; returns each file's publication
    ids in record order (so that records read back can be matched to publications)."""
    folder.mkdir(parents=True, exist_ok=True)
    order: dict[str, list[int]] = {}
    texts: dict[str, list[str]] = {}
    for database, pub_id, pairs in corpus.records:
        order.setdefault(database, []).append(pub_id)
        lines = texts.setdefault(database, [])
        lines += [f"{tag}  - {value}" for tag, value in pairs]
        lines += ["ER  - ", ""]
    for database, lines in texts.items():
        (folder / f"{database}.ris").write_text("\n".join(lines), encoding="utf-8")
    return order


def read_back(corpus: Corpus, folder: Path) -> tuple[list[DedupRecord], dict[int, int]]:
    """Write the corpus, read it with Screener's readers, and return the records (ids from
    1) with each record's publication id."""
    from screener.core.dedup.records import from_parsed
    from screener.core.readers import read_file

    order = write(corpus, folder)
    records: list[DedupRecord] = []
    publication: dict[int, int] = {}
    for database in DATABASES:
        if database not in order:
            continue
        result = read_file(folder / f"{database}.ris")
        assert not result.skipped, result.skipped
        assert len(result.records) == len(order[database])
        for parsed, pub_id in zip(result.records, order[database], strict=True):
            record = from_parsed(parsed, len(records) + 1)
            records.append(record)
            publication[record.id] = pub_id
    return records, publication


def truth_clusters(publication: dict[int, int]) -> list[list[int]]:
    """Records of each publication that has more than one."""
    groups: dict[int, list[int]] = {}
    for record_id, pub_id in publication.items():
        groups.setdefault(pub_id, []).append(record_id)
    return [sorted(group) for group in groups.values() if len(group) > 1]


def trapped(corpus: Corpus, publication: dict[int, int], clusters: list[list[int]]) -> list[tuple[int, int, str]]:
    """The traps that ``clusters`` (groups of merged record ids) fall into."""
    together: set[tuple[int, int]] = set()
    for cluster in clusters:
        pubs = sorted({publication[record_id] for record_id in cluster})
        together |= {(a, b) for i, a in enumerate(pubs) for b in pubs[i + 1 :]}
    return [(a, b, what) for a, b, what in corpus.traps if (min(a, b), max(a, b)) in together]
