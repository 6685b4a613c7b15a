"""Test data for the shell's GUI tests: real exports from tests/data, and a generator
of synthetic records for volume."""

from __future__ import annotations

import random
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"
SCOPUS_RIS = DATA / "ris" / "cff_scopus__citation-file-formatting.ris"  # 10 records
SEED_RIS = DATA / "ris" / "seed_scopus_single_space_tags.ris"  # 1 record
ZOTERO_RIS = DATA / "ris" / "zotero_baseline__asreview.ris"  # 100 records

WORDS = ("peer support mental health recovery nurse trial cohort outcome depression anxiety "
         "community service randomised adolescent primary care stigma housing employment "
         "digital intervention qualitative cost effectiveness relapse").split()


def write_generated_ris(path: Path, n: int, seed: int = 1) -> Path:
    """``n`` distinct synthetic RIS records (for volume, not for reader coverage)."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as f:
        for i in range(1, n + 1):
            title = " ".join(rng.choice(WORDS) for _ in range(9)).capitalize() + f" {i}"
            f.write(f"TY  - JOUR\nTI  - {title}\nAU  - Author{i}, A.\nPY  - {1990 + i % 35}\n"
                    f"JO  - Journal {i % 50}\nAB  - Abstract {i}: {title.lower()}.\nER  - \n\n")
    return path
