"""A third report for the series tests: a re-dated, edited copy of the bundled sixth report.

S/2018/770 ("Seventh report", 16 August 2018) repeats S/2018/80's paragraphs 1-86 word for
word except paragraph 6, where a few words change, and adds two paragraphs under a new heading:
87 on drones (citing S/2018/80, para. 13) and 88 on cryptocurrencies (citing S/2016/501,
para. 9, and S/2017/573, para. 20, a report the library does not hold).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from corpus.model import Paragraph

SEVENTH = "S/2018/770"
SEVENTH_DATE = dt.date(2018, 8, 16)
SEVENTH_TITLE = (
    "Seventh report of the Secretary-General on the threat posed by ISIL (Da'esh) to "
    "international peace and security and the range of United Nations efforts in support of "
    "Member States in countering the threat"
)
EDITED = 6
DRONES = 87
CURRENCIES = 88
DRONE_PARAGRAPH = (
    "ISIL has adapted commercial drones to drop explosives on security forces in Iraq, and "
    "Member States report that its affiliates are seeking drones for surveillance as well "
    "as attack. Armed drones remain cheap to acquire, and one Member State reported that a "
    "drone was intercepted near a power station. This adds to the financial picture described "
    "in S/2018/80, para. 13."
)
CURRENCY_PARAGRAPH = (
    "Some sympathizers have solicited donations in cryptocurrencies such as bitcoin through "
    "encrypted messaging applications, and exchanges rarely verify who holds the wallets "
    "(see S/2016/501, para. 9, and S/2017/573, para. 20)."
)


def edit_paragraph(text: str) -> str:
    """A few words changed, as an update to a report would change them."""
    return text.replace("continues", "still continues", 1).replace("The group", "ISIL", 1)


def seventh_report_text(sixth: Sequence[Paragraph]) -> str:
    """The report text, in the layout the parser reads (title block, headings, numbered lines)."""
    lines = [
        "Security Council",
        "",
        "Distr.: General",
        "16 August 2018",
        "",
        SEVENTH_TITLE,
        "",
        "I. Threat assessment",
        "",
    ]
    for paragraph in sixth:
        text = " ".join(paragraph.text.split())
        if paragraph.number == EDITED:
            text = edit_paragraph(text)
        lines += [f"{paragraph.number}. {text}", ""]
    lines += ["II. Emerging technologies", ""]
    lines += [f"{DRONES}. {DRONE_PARAGRAPH}", "", f"{CURRENCIES}. {CURRENCY_PARAGRAPH}", ""]
    return "\n".join(lines)
