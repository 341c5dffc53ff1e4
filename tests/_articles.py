"""Invented articles for end-to-end tests (our own prose, no third-party text)."""

from __future__ import annotations

from pathlib import Path

HARBOR_1 = """ date 2026-05-11
Port Calder Ferry Strike Enters Third Day

Ferry workers in Port Calder extended their strike on Monday, leaving about 4,000 commuters without a crossing, union leader Tomas Brevik said.
"We will stay out until the company puts a real offer on the table," Brevik told reporters outside the terminal.
The Calder Ferry Company said it had offered a 3% raise, which the union rejected.
"""

HARBOR_2 = """ date 2026-05-11
Calder commuters stranded as ferry walkout continues

The ferry strike in Port Calder continued on Monday, and 4,000 commuters were left without a crossing.
Union leader Tomas Brevik said the workers would not return without a better offer.
"We will stay out until the company puts a real offer on the table," Brevik said.
The Calder Ferry Company offered a 3% raise last week.
"""

ORCHARD = """ date 2026-05-10
Valley Orchards Report Record Apple Harvest

Growers in the Linden Valley picked 18,000 tonnes of apples this season, the growers' cooperative said on Sunday.
Cooperative chair Ada Marsh said the warm spring had helped the blossoms set early.
"""


def write_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "harbor-1.txt").write_text(HARBOR_1, encoding="utf-8")
    (folder / "harbor-2.txt").write_text(HARBOR_2, encoding="utf-8")
    (folder / "orchard.txt").write_text(ORCHARD, encoding="utf-8")
    return folder
